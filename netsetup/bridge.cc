#include "netsetup/bridge.h"

#include <arpa/inet.h>
#include <netlink/route/link/bridge.h>

#include <cerrno>
#include <cstring>

#include "netsetup/netlink.h"

namespace podctl::net {

Status ensure_bridge(const BridgeConfig& config) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  if (auto link = get_link(sock.get(), config.name)) {
    const char* type = rtnl_link_get_type(link->get());
    if (!type || std::strcmp(type, "bridge") != 0)
      return fail(make_error("link " + config.name + " exists and is not a bridge (" + (type ? type : "no type") +
                             "): choose another --bridge"));
  } else {
    int err = rtnl_link_bridge_add(sock.get(), config.name.c_str());
    // Another podctl may have created it between our lookup and our add.
    if (err < 0 && err != -NLE_EXIST) return fail(nl_error("create bridge " + config.name, err));
  }
  PODCTL_TRY(add_address(sock.get(), config.name, config.gateway, config.prefix));
  return set_link_up(sock.get(), config.name);
}

Status delete_bridge(const std::string& name) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  return delete_link(sock.get(), name);
}

Result<std::string> find_overlapping_route(uint32_t subnet, int prefix, const std::string& bridge) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  nl_cache* raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sock.get(), AF_INET, 0, &raw); err < 0)
    return fail(nl_error("list routes", err));
  NlCache routes(raw);
  int bridge_index = 0;
  if (auto link = get_link(sock.get(), bridge)) bridge_index = rtnl_link_get_ifindex(link->get());
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  std::string found;
  for (nl_object* obj = nl_cache_get_first(routes.get()); obj && found.empty(); obj = nl_cache_get_next(obj)) {
    auto* route = reinterpret_cast<rtnl_route*>(obj);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
    nl_addr* dst = rtnl_route_get_dst(route);
    int len = dst ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0;
    if (len == 0) continue;  // the default route overlaps everything and means nothing here
    if (rtnl_route_get_nnexthops(route) > 0 &&
        rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0)) == bridge_index && bridge_index != 0)
      continue;
    uint32_t net = 0;
    std::memcpy(&net, nl_addr_get_binary_addr(dst), sizeof net);
    net = ntohl(net);
    uint32_t m = std::min(len, prefix) == 0 ? 0 : ~uint32_t{0} << (32 - std::min(len, prefix));
    if ((net & m) == (subnet & mask & m)) {
      char buf[64];
      found = nl_addr2str(dst, buf, sizeof buf);
    }
  }
  return found;
}

}  // namespace podctl::net
