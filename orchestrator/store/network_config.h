// podctl - the root's network settings (bridge name, subnet), fixed at first use so that every pod
// of a root shares one bridge; a later command asking for different ones is refused.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "base/ipv4.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct Ipv4Net {
  uint32_t address = 0;  // host byte order
  int prefix = 0;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  uint32_t network() const { return address & mask(); }
  uint32_t broadcast() const { return network() | ~mask(); }
  bool contains(uint32_t ip) const { return (ip & mask()) == network(); }
  bool overlaps(const Ipv4Net& other) const;
};

Result<Ipv4Net> parse_cidr(const std::string& text);

struct NetworkConfig {
  std::string bridge = "podctl0";
  Ipv4Net subnet;        // the pod subnet; the gateway (bridge address) is its first address
  bool outbound = true;  // pods reach beyond the host (masquerade), as with docker
  // The seccomp profile of containers whose pod and container set none (the kubelet's
  // --seccomp-default): RuntimeDefault, or Unconfined.
  std::string seccomp_default = "RuntimeDefault";
  Ipv4Net service_subnet;  // ClusterIPs of Services; not routed, only DNATed by the root's nftables table
  // podctl before Services resolved bare pod names through /etc/hosts; a cluster does not, so
  // this is off unless a root asks for it (--pod-name-hosts=true).
  bool pod_name_hosts = false;
  uint32_t gateway() const { return subnet.network() + 1; }
  std::string subnet_text() const { return cidr_text(subnet); }
  std::string service_subnet_text() const { return cidr_text(service_subnet); }
  static std::string cidr_text(const Ipv4Net& n) { return ip_to_string(n.network()) + "/" + std::to_string(n.prefix); }
};

inline constexpr const char* kDefaultBridge = "podctl0";
inline constexpr const char* kDefaultSubnet = "10.91.0.0/16";
inline constexpr const char* kDefaultServiceSubnet = "10.96.0.0/16";  // as kubeadm's --service-cidr

// What a command asks for; empty: the root's setting, else the default. Fixed at first use.
struct NetworkRequest {
  std::string bridge;
  std::string subnet;
  std::string outbound;         // "true", "false"
  std::string seccomp_default;  // "RuntimeDefault", "Unconfined"
  std::string service_subnet;
  std::string pod_name_hosts;  // "true", "false"
};

// Reads ROOT/config.json, or (create) writes it from the request. Call with the root lock held.
Result<NetworkConfig> load_network_config(const RootPaths& root, const NetworkRequest& request, bool create);

}  // namespace podctl
