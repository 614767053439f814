// podctl - the root's bridge: created once, idempotently, with the gateway address, and up.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace podctl::net {

struct BridgeConfig {
  std::string name;
  uint32_t gateway = 0;   // host byte order
  int prefix = 16;
};

// Creates the bridge if missing (an existing link of another type is an error), puts the
// gateway address on it and sets it up. Running it twice gives the same result.
Status ensure_bridge(const BridgeConfig& config);
Status delete_bridge(const std::string& name);
// The first route of the host that overlaps subnet/prefix (ignoring the bridge's own), or "".
Result<std::string> find_overlapping_route(uint32_t subnet, int prefix, const std::string& bridge);

}  // namespace podctl::net
