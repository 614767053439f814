// podctl - Services in the root's nftables table, in the shape of kube-proxy's nftables mode:
//  - map `services` (cluster IP . protocol . port : goto a service chain), consulted from
//    prerouting and output; map `nodeports` (protocol . port : the same chains) for traffic to a
//    local address (the host's addresses and 127.0.0.1);
//  - per service port, a chain choosing an endpoint at random (numgen random mod N vmap), and per
//    endpoint a chain that DNATs to it (and, with ClientIP affinity, remembers the client in a
//    set with a timeout, which the service chain checks first);
//  - a filter chain that rejects what is still addressed to the service range after DNAT (a
//    Service without ready endpoints), so that such traffic never leaves the host.
// A service's rules are replaced in one transaction; the affinity sets of endpoints that stay are
// kept, with the clients they remember.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl::net {

struct ServiceEndpoint {
  std::string ip;
  int port = 0;
  bool operator==(const ServiceEndpoint&) const = default;
};

struct ServicePortRules {
  std::string protocol;  // TCP | UDP
  int port = 0;
  int node_port = 0;  // also on every local address at this port (NodePort, LoadBalancer)
  std::vector<ServiceEndpoint> endpoints;
  bool operator==(const ServicePortRules&) const = default;
};

struct ServiceRules {
  std::string id;  // short, stable, unique in the root (a hash of namespace/name): names the chains
  std::string cluster_ip;
  int64_t affinity_timeout_seconds = 0;  // 0: no session affinity
  std::vector<ServicePortRules> ports;
  bool operator==(const ServiceRules&) const = default;
};

// Adds the services map, its dispatch rules and the reject chains to an existing table (once).
Status ensure_service_chains(const std::string& bridge, const std::string& service_subnet);
// Replaces the rules of one service: `before` is what was installed (to remove what is gone).
Status sync_service_rules(const std::string& bridge, const ServiceRules& before, const ServiceRules& after);
Status remove_service_rules(const std::string& bridge, const ServiceRules& installed);

}  // namespace podctl::net
