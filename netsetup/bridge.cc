#include "netsetup/bridge.h"

#include <arpa/inet.h>
#include <netlink/route/link/bridge.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/fnv1a.h"
#include "netsetup/netlink.h"

namespace podctl::net {

namespace {

constexpr const char* kMarkPrefix = "podctl:";

// The owner's id: the mark up to the first space.
std::string mark_id(const std::string& mark) { return mark.substr(0, mark.find(' ')); }

Status check_owner(nl_sock* sock, const BridgeConfig& config) {
  if (config.owner.empty()) return {};  // a caller that does not track owners (tests of the netlink layer)
  std::string alias;
  PODCTL_ASSIGN_OR_RETURN(alias, link_alias(sock, config.name));
  if (!config.owner.empty() && mark_id(alias) == mark_id(config.owner)) return {};
  if (alias.rfind(kMarkPrefix, 0) == 0) {
    auto space = alias.find(' ');
    std::string root = space == std::string::npos ? "unknown" : alias.substr(space + 1);
    return fail(Error{EBUSY, "bridge " + config.name + " belongs to another podctl root (" + root +
                                 "): choose another --bridge for this root"});
  }
  if (!alias.empty() || !config.adopt_unmarked)
    return fail(Error{EBUSY, "bridge " + config.name + " exists and was not made by podctl for this root" +
                                 (alias.empty() ? std::string() : " (its alias: \"" + alias + "\")") +
                                 ": choose another --bridge"});
  return set_link_alias(sock, config.name, config.owner);
}

}  // namespace

std::string bridge_owner_mark(const std::string& root_real_path) {
  char id[32];
  std::snprintf(id, sizeof id, "%s%016llx", kMarkPrefix, static_cast<unsigned long long>(fnv1a64(root_real_path)));
  return (std::string(id) + " " + root_real_path).substr(0, 255);
}

Status ensure_bridge(const BridgeConfig& config) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  if (auto link = get_link(sock.get(), config.name)) {
    const char* type = rtnl_link_get_type(link->get());
    if (!type || std::strcmp(type, "bridge") != 0)
      return fail(make_error("link " + config.name + " exists and is not a bridge (" + (type ? type : "no type") +
                             "): choose another --bridge"));
    PODCTL_TRY(check_owner(sock.get(), config));
  } else {
    int err = rtnl_link_bridge_add(sock.get(), config.name.c_str());
    // Another podctl may have created it between our lookup and our add: then it is checked.
    if (err == -NLE_EXIST)
      PODCTL_TRY(check_owner(sock.get(), config));
    else if (err < 0)
      return fail(nl_error("create bridge " + config.name, err));
    else if (!config.owner.empty())
      PODCTL_TRY(set_link_alias(sock.get(), config.name, config.owner));
  }
  PODCTL_TRY(add_address(sock.get(), config.name, config.gateway, config.prefix));
  return set_link_up(sock.get(), config.name);
}

Result<bool> delete_owned_bridge(const std::string& name, const std::string& owner) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  auto alias = link_alias(sock.get(), name);
  if (!alias) return alias.error().code == ENODEV ? Result<bool>(true) : fail(alias.error());
  if (mark_id(*alias) != mark_id(owner)) return false;
  PODCTL_TRY(delete_link(sock.get(), name));
  return true;
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
