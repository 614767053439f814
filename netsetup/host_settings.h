// podctl - the host's network settings that pods need, through /proc/sys and sysfs:
// IP forwarding (pods reaching beyond the host, hostPorts from other machines), route_localnet
// on the bridge (127.0.0.1:hostPort DNATed to a pod), hairpin mode on a pod's bridge port (a pod
// reaching itself through a hostPort).
#pragma once

#include <string>

#include "base/error.h"

namespace podctl::net {

// Returns whether forwarding was off before (so that a reset can turn it off again).
Result<bool> enable_ip_forward();
Status disable_ip_forward();
Status enable_route_localnet(const std::string& bridge);
Status enable_hairpin(const std::string& bridge_port);

}  // namespace podctl::net
