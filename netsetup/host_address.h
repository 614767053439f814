// podctl - the machine's own address: the IPv4 address of the interface of its default route
// (what kind and k3s report as the node's InternalIP, and a LoadBalancer Service's address here).
#pragma once

#include <string>

namespace podctl::net {

// "" when the machine has no default route.
std::string primary_host_address();

}  // namespace podctl::net
