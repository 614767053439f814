// podctl - address allocation like CNI host-local: one file per allocated address under
// ROOT/ipam/, created with O_EXCL and holding the owner's pod uid. Call with the root lock held.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/error.h"

namespace podctl::net {

struct IpamRange {
  std::string dir;       // ROOT/ipam
  uint32_t network = 0;  // host byte order
  int prefix = 16;
};

// Allocates the next free address after the last one handed out (round robin, as host-local),
// skipping the network, gateway (.1) and broadcast addresses. An address whose owner
// `owner_alive(uid)` says is gone is reclaimed. A full range is an error naming the subnet.
Result<uint32_t> allocate_ip(const IpamRange& range, const std::string& owner_uid,
                             const std::function<bool(const std::string&)>& owner_alive);
// Releases the address if `owner_uid` holds it; a missing file is not an error.
Status release_ip(const std::string& dir, uint32_t ip, const std::string& owner_uid);

}  // namespace podctl::net
