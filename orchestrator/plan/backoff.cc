#include "orchestrator/plan/backoff.h"

#include "base/duration.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace podctl::plan {
namespace {

bool expired(const BackoffEntry& e, const BackoffPolicy& p, Millis event_time) {
  return event_time - e.last_update > 2 * p.max;
}

}  // namespace

std::optional<BackoffPolicy> parse_backoff_policy(const char* text) {
  std::string s = text;
  auto colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto initial = parse_duration_ms(s.substr(0, colon));
  auto max = parse_duration_ms(s.substr(colon + 1));
  if (!initial || !max || *initial <= 0 || *max < *initial) return std::nullopt;
  return BackoffPolicy{*initial, *max};
}

bool in_backoff(const std::optional<BackoffEntry>& entry, const BackoffPolicy& policy, Millis finished_at, Millis now) {
  if (!entry || expired(*entry, policy, finished_at)) return false;
  return now - finished_at < entry->delay;
}

Millis backoff_ends(const BackoffEntry& entry, Millis finished_at) { return finished_at + entry.delay; }

BackoffEntry next_backoff(const std::optional<BackoffEntry>& entry, const BackoffPolicy& policy, Millis finished_at,
                          Millis now) {
  BackoffEntry next;
  if (!entry || expired(*entry, policy, finished_at))
    next.delay = policy.initial;
  else
    next.delay = std::min(entry->delay * 2, policy.max);
  next.last_update = now;
  return next;
}

}  // namespace podctl::plan
