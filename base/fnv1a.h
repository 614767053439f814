// podctl - FNV-1a 64: a small, stable hash for names and change detection (not for security).
#pragma once

#include <cstdint>
#include <string_view>

namespace podctl {

inline uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace podctl
