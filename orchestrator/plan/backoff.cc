#include "orchestrator/plan/backoff.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace podctl::plan {
namespace {

bool expired(const BackoffEntry& e, const BackoffPolicy& p, Millis event_time) {
  return event_time - e.last_update > 2 * p.max;
}

std::optional<Millis> parse_duration(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || v < 0) return std::nullopt;
  std::string unit = end;
  double scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : -1;
  if (scale < 0) return std::nullopt;
  return static_cast<Millis>(v * scale);
}

}  // namespace

std::optional<BackoffPolicy> parse_backoff_policy(const char* text) {
  std::string s = text;
  auto colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto initial = parse_duration(s.substr(0, colon));
  auto max = parse_duration(s.substr(colon + 1));
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
  if (!entry || expired(*entry, policy, finished_at)) next.delay = policy.initial;
  else next.delay = std::min(entry->delay * 2, policy.max);
  next.last_update = now;
  return next;
}

}  // namespace podctl::plan
