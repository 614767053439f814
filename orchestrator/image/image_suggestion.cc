#include "orchestrator/image/image_suggestion.h"

#include <algorithm>

#include "base/edit_distance.h"

namespace podctl {
namespace {

std::string repository(const std::string& name) { return name.substr(0, name.rfind(':')); }

}  // namespace

std::optional<std::string> closest_image(const std::vector<std::string>& stored, const std::string& wanted) {
  std::optional<std::string> best;
  size_t best_distance = 4;  // more than 3 edits is another name, not a typo
  for (const auto& name : stored) {
    size_t d = edit_distance(name, wanted);
    if (repository(name) == repository(wanted)) d = std::min<size_t>(d, 1);
    if (d > 0 && d < best_distance) best = name, best_distance = d;
  }
  return best;
}

}  // namespace podctl
