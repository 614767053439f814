#include "netsetup/netlink.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/route/link/bridge.h>

#include <cerrno>

namespace podctl::net {

Error nl_error(const std::string& what, int code) {
  int err = code < 0 ? -code : code;
  int sys = err == NLE_EXIST                              ? EEXIST
            : err == NLE_OBJ_NOTFOUND || err == NLE_NODEV ? ENODEV
            : err == NLE_PERM                             ? EPERM
            : err == NLE_BUSY                             ? EBUSY
            : err == NLE_INVAL                            ? EINVAL
                                                          : EIO;
  return Error{sys, what + ": " + nl_geterror(err)};
}

Result<NlSock> open_route_socket() {
  NlSock sock(nl_socket_alloc());
  if (!sock) return fail(make_error("nl_socket_alloc: out of memory"));
  if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) return fail(nl_error("connect route netlink", err));
  return sock;
}

Result<Link> get_link(nl_sock* sock, const std::string& name) {
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(sock, 0, name.c_str(), &raw);
  if (err < 0) {
    Error e = nl_error("find link " + name, err);
    if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) e.code = ENODEV;
    return fail(e);
  }
  return Link(raw);
}

bool link_exists(nl_sock* sock, const std::string& name) { return get_link(sock, name).has_value(); }

static Status change_link(nl_sock* sock, const std::string& name, void (*edit)(rtnl_link*, int), int value,
                          const char* what) {
  Link current;
  PODCTL_ASSIGN_OR_RETURN(current, get_link(sock, name));
  Link change(rtnl_link_alloc());
  edit(change.get(), value);
  if (int err = rtnl_link_change(sock, current.get(), change.get(), 0); err < 0)
    return fail(nl_error(std::string(what) + " " + name, err));
  return {};
}

Status set_hairpin(nl_sock* sock, const std::string& name) {
  Link current;
  PODCTL_ASSIGN_OR_RETURN(current, get_link(sock, name));
  // Bridge port settings travel as AF_BRIDGE protinfo in RTM_SETLINK (what "bridge link set
  // hairpin on" sends): both objects must be of that family.
  Link orig(rtnl_link_alloc()), change(rtnl_link_alloc());
  for (rtnl_link* l : {orig.get(), change.get()}) {
    rtnl_link_set_family(l, AF_BRIDGE);
    rtnl_link_set_ifindex(l, rtnl_link_get_ifindex(current.get()));
  }
  rtnl_link_bridge_set_flags(change.get(), RTNL_BRIDGE_HAIRPIN_MODE);
  if (int err = rtnl_link_change(sock, orig.get(), change.get(), 0); err < 0)
    return fail(nl_error("set hairpin mode on " + name, err));
  return {};
}

Result<std::string> link_alias(nl_sock* sock, const std::string& name) {
  Link link;
  PODCTL_ASSIGN_OR_RETURN(link, get_link(sock, name));
  const char* alias = rtnl_link_get_ifalias(link.get());
  return std::string(alias ? alias : "");
}

Status set_link_alias(nl_sock* sock, const std::string& name, const std::string& alias) {
  Link current;
  PODCTL_ASSIGN_OR_RETURN(current, get_link(sock, name));
  Link change(rtnl_link_alloc());
  rtnl_link_set_ifalias(change.get(), alias.c_str());
  if (int err = rtnl_link_change(sock, current.get(), change.get(), 0); err < 0)
    return fail(nl_error("set the alias of " + name, err));
  return {};
}

Status set_link_up(nl_sock* sock, const std::string& name) {
  return change_link(
      sock, name, [](rtnl_link* l, int) { rtnl_link_set_flags(l, IFF_UP); }, 0, "set up");
}

Status set_link_master(nl_sock* sock, const std::string& name, int master) {
  return change_link(
      sock, name, [](rtnl_link* l, int m) { rtnl_link_set_master(l, m); }, master, "attach to bridge");
}

Status delete_link(nl_sock* sock, const std::string& name) {
  Link link(rtnl_link_alloc());
  rtnl_link_set_name(link.get(), name.c_str());
  int err = rtnl_link_delete(sock, link.get());
  if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV) return fail(nl_error("delete link " + name, err));
  return {};
}

static NlAddr ipv4_addr(uint32_t ip, int prefix) {
  uint32_t be = htonl(ip);
  NlAddr a(nl_addr_build(AF_INET, &be, sizeof be));
  if (a) nl_addr_set_prefixlen(a.get(), prefix);
  return a;
}

Status add_address(nl_sock* sock, const std::string& link_name, uint32_t ip, int prefix) {
  Link link;
  PODCTL_ASSIGN_OR_RETURN(link, get_link(sock, link_name));
  RtAddr addr(rtnl_addr_alloc());
  NlAddr local = ipv4_addr(ip, prefix);
  if (!addr || !local) return fail(make_error("out of memory building an address"));
  rtnl_addr_set_ifindex(addr.get(), rtnl_link_get_ifindex(link.get()));
  rtnl_addr_set_local(addr.get(), local.get());
  int err = rtnl_addr_add(sock, addr.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err < 0 && err != -NLE_EXIST) return fail(nl_error("add address to " + link_name, err));
  return {};
}

Status add_default_route(nl_sock* sock, const std::string& link_name, uint32_t gateway) {
  Link link;
  PODCTL_ASSIGN_OR_RETURN(link, get_link(sock, link_name));
  Route route(rtnl_route_alloc());
  NlAddr dst = ipv4_addr(0, 0);
  NlAddr gw = ipv4_addr(gateway, 32);
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_dst(route.get(), dst.get());
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_nh_set_ifindex(nh, rtnl_link_get_ifindex(link.get()));
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here on
  int err = rtnl_route_add(sock, route.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err < 0 && err != -NLE_EXIST) return fail(nl_error("add default route via gateway", err));
  return {};
}

}  // namespace podctl::net
