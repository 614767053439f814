#include "netsetup/pod_interface.h"

#include "netsetup/netlink.h"

namespace podctl::net {

Status configure_pod_interface_in_child(const PodInterfaceConfig& c) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  PODCTL_TRY(set_link_up(sock.get(), "lo"));
  PODCTL_TRY(add_address(sock.get(), c.name, c.ip, c.prefix));
  PODCTL_TRY(set_link_up(sock.get(), c.name));
  // The route needs the link up and the address on it, or the kernel refuses the gateway.
  return add_default_route(sock.get(), c.name, c.gateway);
}

}  // namespace podctl::net
