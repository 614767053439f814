// podctl - one problem in a manifest, with the field path and where it is in the file.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace podctl::manifest {

struct SourcePos {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  bool operator==(const SourcePos&) const = default;
};

struct FieldError {
  std::string path;     // "spec.containers[1].name"
  std::string message;  // "\"main\" is already used by spec.containers[0]"
  SourcePos pos;
  bool operator==(const FieldError&) const = default;
};

// Where each field path of one document was written, filled by the parser.
using PositionMap = std::map<std::string, SourcePos>;

// The position of `path`, or of its nearest recorded ancestor ("a.b[2].c" → "a.b[2]" → "a.b" → "a").
SourcePos position_of(const PositionMap& positions, const std::string& path);

// "FILE:LINE:COL: path: message"
std::string format_error(const std::string& file, const FieldError& error);

}  // namespace podctl::manifest
