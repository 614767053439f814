// podctl - owners for libnl objects (each freed exactly once, on every path: nsjail's cloneIface
// leak is the bug class this removes).
#pragma once

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <memory>

namespace podctl::net {

struct NlSockFree {
  void operator()(nl_sock* p) const { nl_socket_free(p); }
};
struct NlCacheFree {
  void operator()(nl_cache* p) const { nl_cache_free(p); }
};
struct LinkPut {
  void operator()(rtnl_link* p) const { rtnl_link_put(p); }
};
struct AddrPut {
  void operator()(nl_addr* p) const { nl_addr_put(p); }
};
struct RtAddrPut {
  void operator()(rtnl_addr* p) const { rtnl_addr_put(p); }
};
struct RoutePut {
  void operator()(rtnl_route* p) const { rtnl_route_put(p); }
};

using NlSock = std::unique_ptr<nl_sock, NlSockFree>;
using NlCache = std::unique_ptr<nl_cache, NlCacheFree>;
using Link = std::unique_ptr<rtnl_link, LinkPut>;
using NlAddr = std::unique_ptr<nl_addr, AddrPut>;
using RtAddr = std::unique_ptr<rtnl_addr, RtAddrPut>;
using Route = std::unique_ptr<rtnl_route, RoutePut>;

}  // namespace podctl::net
