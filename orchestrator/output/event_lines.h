// podctl - a pod's events (events.jsonl) as kubectl shows them: repeats of one event (same type,
// reason, object and message) are one line with a count, ordered by their last occurrence.
#pragma once

#include <nlohmann/json.hpp>

#include <ctime>
#include <string>
#include <vector>

namespace podctl {

struct EventLine {
  nlohmann::json first;  // {"type", "reason", "message", "time", "object"?}
  std::time_t first_at = 0, last_at = 0;
  int count = 0;
};

std::vector<EventLine> aggregate_events(const std::string& path);

}  // namespace podctl
