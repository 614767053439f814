// podctl tests - a gtest parameter name from a case's title ("restart when Never" → restart_when_Never).
#pragma once

#include <cctype>
#include <string>

namespace podctl::test {

inline std::string param_name(std::string title) {
  for (char& ch : title)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return title;
}

}  // namespace podctl::test
