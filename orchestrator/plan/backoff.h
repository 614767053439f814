// podctl - crash-loop backoff as the kubelet keeps it (client-go flowcontrol.Backoff): the first
// restart is immediate; then 10 s, doubling, capped at 300 s, measured from the container's exit;
// an entry not updated for 2 × cap (600 s) starts over.
#pragma once

#include <cstdint>
#include <optional>

namespace podctl::plan {

using Millis = int64_t;  // milliseconds on the monotonic clock

struct BackoffPolicy {
  Millis initial = 10'000;
  Millis max = 300'000;
  bool operator==(const BackoffPolicy&) const = default;
};

struct BackoffEntry {
  Millis delay = 0;        // current backoff window
  Millis last_update = 0;  // when the window was last set
  bool operator==(const BackoffEntry&) const = default;
};

// Parses "10s:300s", "1s:60s", "500ms:5s" (initial:max) for --restart-backoff.
std::optional<BackoffPolicy> parse_backoff_policy(const char* text);

// IsInBackOffSince: a container that exited at `finished_at` may not start before the window ends.
bool in_backoff(const std::optional<BackoffEntry>& entry, const BackoffPolicy& policy, Millis finished_at, Millis now);
// When the window that holds the container back ends.
Millis backoff_ends(const BackoffEntry& entry, Millis finished_at);
// Next: the entry after a (re)start at `now` of a container that exited at `finished_at`.
BackoffEntry next_backoff(const std::optional<BackoffEntry>& entry, const BackoffPolicy& policy, Millis finished_at,
                          Millis now);

}  // namespace podctl::plan
