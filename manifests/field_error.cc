#include "manifests/field_error.h"

namespace podctl::manifest {

SourcePos position_of(const PositionMap& positions, const std::string& path) {
  std::string p = path;
  while (!p.empty()) {
    if (auto it = positions.find(p); it != positions.end()) return it->second;
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  if (auto it = positions.find(""); it != positions.end()) return it->second;
  return {};
}

std::string format_error(const std::string& file, const FieldError& error) {
  std::string out = file;
  if (error.pos.line > 0) out += ":" + std::to_string(error.pos.line) + ":" + std::to_string(error.pos.column);
  out += ": ";
  if (!error.path.empty()) out += error.path + ": ";
  out += error.message;
  return out;
}

}  // namespace podctl::manifest
