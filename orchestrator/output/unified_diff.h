// podctl - a unified diff of two texts, line by line (what diff -u prints), for podctl diff.
#pragma once

#include <string>

namespace podctl {

// "" when the texts are equal; else "--- FROM\n+++ TO\n@@ … @@" hunks with `context` lines.
std::string unified_diff(const std::string& from_label, const std::string& from, const std::string& to_label,
                         const std::string& to, int context = 3);

}  // namespace podctl
