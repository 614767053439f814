#include "base/duration.h"

#include <cstdlib>
#include <string>

namespace podctl {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  const char* p = s.c_str();
  double total = 0;
  bool bare = true;
  while (*p) {
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p || v < 0) return std::nullopt;
    p = end;
    std::string unit;
    while (*p && (*p < '0' || *p > '9') && *p != '.') unit += *p++;
    double scale = unit == "ms"   ? 1
                   : unit == "s"  ? 1e3
                   : unit == "m"  ? 60e3
                   : unit == "h"  ? 3600e3
                   : unit.empty() ? 1e3
                                  : -1;
    if (scale < 0 || (unit.empty() && !(bare && *p == '\0'))) return std::nullopt;
    bare = false;
    total += v * scale;
  }
  return static_cast<int64_t>(total);
}

}  // namespace podctl
