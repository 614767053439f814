// podctl - route netlink basics over libnl-route-3: a connected socket bound to the calling
// thread's network namespace, link lookups and link state changes.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "netsetup/nl_ptr.h"

namespace podctl::net {

// libnl reports negative NLE_* codes, not errno; keep its text and the object involved.
Error nl_error(const std::string& what, int nle_code);

// A route socket in the namespace of the calling thread (a socket stays bound to it).
Result<NlSock> open_route_socket();
// The link, or an error whose code is ENODEV when there is none.
Result<Link> get_link(nl_sock* sock, const std::string& name);
Status set_link_up(nl_sock* sock, const std::string& name);
Status set_link_master(nl_sock* sock, const std::string& name, int master_ifindex);
// Hairpin mode on a bridge port: frames may leave by the port they came in by.
Status set_hairpin(nl_sock* sock, const std::string& name);
// Deleting a missing link is not an error (idempotent teardown).
Status delete_link(nl_sock* sock, const std::string& name);
bool link_exists(nl_sock* sock, const std::string& name);
// The link's alias (IFLA_IFALIAS, what `ip link set NAME alias TEXT` sets), "" when it has none.
Result<std::string> link_alias(nl_sock* sock, const std::string& name);
Status set_link_alias(nl_sock* sock, const std::string& name, const std::string& alias);
// Adds ip/prefix to the link; an address that is already there is not an error.
Status add_address(nl_sock* sock, const std::string& link, uint32_t ip, int prefix);
Status add_default_route(nl_sock* sock, const std::string& link, uint32_t gateway);

}  // namespace podctl::net
