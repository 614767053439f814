#include "orchestrator/output/event_lines.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "orchestrator/output/pod_printer.h"

namespace podctl {
namespace {

std::string text_of(const nlohmann::json& e, const char* key) {
  auto it = e.find(key);
  return it != e.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::vector<EventLine> aggregate_events(const std::string& path) {
  std::ifstream in(path);
  std::vector<EventLine> lines;
  std::map<std::string, size_t> index;
  for (std::string text; std::getline(in, text);) {
    auto e = nlohmann::json::parse(text, nullptr, false);
    if (e.is_discarded() || !e.is_object()) continue;
    std::string key = text_of(e, "type") + "\n" + text_of(e, "reason") + "\n" + text_of(e, "object") + "\n" +
                      text_of(e, "message");
    std::time_t at = parse_rfc3339(text_of(e, "time"));
    auto [it, fresh] = index.try_emplace(key, lines.size());
    if (fresh) lines.push_back({e, at, at, 0});
    EventLine& line = lines[it->second];
    line.last_at = at;
    ++line.count;
  }
  // Ordered by the last occurrence, like kubectl's sort by lastTimestamp.
  std::stable_sort(lines.begin(), lines.end(),
                   [](const EventLine& a, const EventLine& b) { return a.last_at < b.last_at; });
  return lines;
}

}  // namespace podctl
