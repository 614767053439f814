#include "netsetup/veth.h"

#include <netlink/route/link/veth.h>

#include <cstdio>

#include "base/fnv1a.h"

#include "netsetup/netlink.h"

namespace podctl::net {

Status create_pod_veth(const std::string& host_name, const std::string& pod_name, pid_t pid,
                       const std::string& bridge) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  Link br;
  PODCTL_ASSIGN_OR_RETURN(br, get_link(sock.get(), bridge));
  if (int err = rtnl_link_veth_add(sock.get(), host_name.c_str(), pod_name.c_str(), pid); err < 0)
    return fail(
        nl_error("create veth pair " + host_name + " <-> " + pod_name + " (pid " + std::to_string(pid) + ")", err));
  auto undo = [&](Error e) {
    (void)delete_link(sock.get(), host_name);
    return fail(std::move(e));
  };
  if (auto st = set_link_master(sock.get(), host_name, rtnl_link_get_ifindex(br.get())); !st) return undo(st.error());
  // A pod that reaches itself through a hostPort sends the packet back out of the port it came in.
  if (auto st = set_hairpin(sock.get(), host_name); !st) return undo(st.error());
  if (auto st = set_link_up(sock.get(), host_name); !st) return undo(st.error());
  return {};
}

Status delete_host_veth(const std::string& host_name) {
  NlSock sock;
  PODCTL_ASSIGN_OR_RETURN(sock, open_route_socket());
  return delete_link(sock.get(), host_name);
}

std::string host_veth_name(const std::string& pod_uid) {
  uint64_t h = fnv1a64(pod_uid);
  char buf[16];
  std::snprintf(buf, sizeof buf, "pc%012llx", static_cast<unsigned long long>(h & 0xffffffffffffull));
  return buf;
}

}  // namespace podctl::net
