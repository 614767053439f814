// podctl - the host's network settings that pods need, through /proc/sys:
// IP forwarding (pods reaching beyond the host, hostPorts from other machines), route_localnet
// on the bridge (127.0.0.1:hostPort DNATed to a pod).
#pragma once

#include <string>

#include "base/error.h"

namespace podctl::net {

// Returns whether forwarding was off before (so that a reset can turn it off again).
Result<bool> enable_ip_forward();
Status disable_ip_forward();
Status enable_route_localnet(const std::string& bridge);

}  // namespace podctl::net
