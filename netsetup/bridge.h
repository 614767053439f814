// podctl - the root's bridge: created once, idempotently, with the gateway address, and up.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace podctl::net {

struct BridgeConfig {
  std::string name;
  uint32_t gateway = 0;  // host byte order
  int prefix = 16;
  // A bridge belongs to the root that made it: its alias says so ("podctl:<id> <root>"). Another
  // root asking for the same bridge is refused, with the owner named.
  std::string owner;
  bool adopt_unmarked = false;  // an existing bridge without an alias may be taken and marked
                                // (a root made by a podctl that did not mark its bridges yet)
};

// The alias that marks a root's bridge: "podctl:" and a hash of the root's real path, then the
// path itself (cut to fit the kernel's 255 bytes).
std::string bridge_owner_mark(const std::string& root_real_path);

// Creates the bridge if missing (an existing link of another type, or another root's bridge, is
// an error), marks it, puts the gateway address on it and sets it up. Running it twice gives the
// same result.
Status ensure_bridge(const BridgeConfig& config);
Status delete_bridge(const std::string& name);
// Deletes the bridge only when `owner` marked it; returns whether it was ours (a missing bridge
// counts as ours: there is nothing of anybody's to protect).
Result<bool> delete_owned_bridge(const std::string& name, const std::string& owner);
// The first route of the host that overlaps subnet/prefix (ignoring the bridge's own), or "".
Result<std::string> find_overlapping_route(uint32_t subnet, int prefix, const std::string& bridge);

}  // namespace podctl::net
