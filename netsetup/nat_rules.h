// podctl - the root's NAT rules, in an nftables table of its own ("ip podctl_<bridge>", so that
// roots never touch each other's rules and a reset is one "delete table"), over libnftables:
//  - hostPort: DNAT maps keyed by port (any local address) or by address and port, consulted for
//    traffic to a local address both arriving (prerouting) and from the host itself (output);
//  - masquerade for DNATed traffic from 127.0.0.0/8 (with route_localnet on the bridge) and from
//    the pod subnet (hairpin), as the CNI portmap plugin does;
//  - masquerade for pods reaching beyond the host (outbound), unless turned off.
// Adding and removing a pod's ports is adding and deleting map elements: no rule handles.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl::net {

struct NatConfig {
  std::string bridge;
  std::string subnet;  // "10.91.0.0/16"
  bool outbound = true;
};

std::string nat_table_name(const std::string& bridge);  // "podctl_<bridge>"

// Runs an nft script in one transaction and returns its output; the error names what nft said.
Result<std::string> run_nft(const std::string& script);

// Creates the table if it is missing (an existing one is kept, with its port mappings).
Status ensure_nat_table(const NatConfig& config);
// Whether the root's table already has every chain that ensure_nat_table, ensure_service_chains
// and their node ports make: one nftables command that lists no map's elements, so that a
// command on an existing root costs the same whatever the number of published ports and Services.
bool nat_table_complete(const std::string& bridge);
// Removes the table and everything in it; a missing table is not an error.
Status delete_nat_table(const std::string& bridge);
// Names of every podctl table on the machine.
Result<std::vector<std::string>> list_nat_tables();

struct PortMapping {
  std::string host_ip;  // "" or "0.0.0.0": every local address
  int host_port = 0;
  std::string protocol;  // TCP | UDP
  std::string pod_ip;
  int container_port = 0;
  bool operator==(const PortMapping&) const = default;
};

Status add_port_mappings(const std::string& bridge, const std::vector<PortMapping>& mappings);
// Best effort: every mapping is tried, the first error is returned.
Status remove_port_mappings(const std::string& bridge, const std::vector<PortMapping>& mappings);

}  // namespace podctl::net
