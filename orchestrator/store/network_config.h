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
  uint32_t gateway() const { return subnet.network() + 1; }
  std::string subnet_text() const { return ip_to_string(subnet.network()) + "/" + std::to_string(subnet.prefix); }
};

inline constexpr const char* kDefaultBridge = "podctl0";
inline constexpr const char* kDefaultSubnet = "10.91.0.0/16";

// Reads ROOT/config.json, or creates it from the requested settings (empty: defaults).
// Call with the root lock held.
// outbound: "true", "false" or "" (the root's, else true); seccomp_default: "RuntimeDefault",
// "Unconfined" or "" (the root's, else RuntimeDefault). Both are fixed at first use.
Result<NetworkConfig> load_network_config(const RootPaths& root, const std::string& bridge, const std::string& subnet,
                                          bool create, const std::string& outbound = "",
                                          const std::string& seccomp_default = "");

}  // namespace podctl
