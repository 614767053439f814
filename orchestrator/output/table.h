// podctl - kubectl's tables: columns as wide as their widest cell (the header's included, also
// when it is not printed, as with --no-headers) and three spaces apart.
#pragma once

#include <string>
#include <vector>

namespace podctl {

// rows[0] is the header.
void print_table(const std::vector<std::vector<std::string>>& rows, bool headers);

}  // namespace podctl
