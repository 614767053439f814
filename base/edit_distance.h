// podctl - the Levenshtein distance between two strings, for "did you mean" suggestions (an
// unknown manifest field, a mistyped image name).
#pragma once

#include <cstddef>
#include <string>

namespace podctl {

size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace podctl
