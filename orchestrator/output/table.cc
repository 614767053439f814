#include "orchestrator/output/table.h"

#include <algorithm>
#include <iostream>

namespace podctl {

void print_table(const std::vector<std::vector<std::string>>& rows, bool headers) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  for (size_t k = headers ? 0 : 1; k < rows.size(); ++k) {
    const auto& r = rows[k];
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 3, ' ');
    }
    std::cout << line << "\n";
  }
}

}  // namespace podctl
