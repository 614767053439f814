#include "orchestrator/image/image_suggestion.h"

#include <algorithm>

namespace podctl {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

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
