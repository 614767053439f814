// podctl - a pod's published ports (ports[].hostPort): the DNAT mappings, and their reservation.
// The supervisor holds a bound socket per hostPort (listening, for TCP) for the pod's life, as
// kube-proxy's hostport holders did: a port taken by another pod or any process is an error at
// creation that names the holder, and nothing else can take it later. Traffic is DNATed before
// it could reach those sockets.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "manifests/pod_spec.h"
#include "netsetup/nat_rules.h"

namespace podctl {

std::vector<net::PortMapping> port_mappings(const manifest::Pod& pod, const std::string& pod_ip);

// "hostPort 8080/TCP is already in use by pod default/web" when one is taken.
Result<std::vector<UniqueFd>> reserve_host_ports(const std::vector<net::PortMapping>& mappings);

// Who holds a local port: "pod default/web", "process 1234 (nginx)", or "" when unknown.
std::string port_holder(int port, const std::string& protocol);

// ports.json in the pod directory: what cleanup removes, even after a crash.
Status write_port_mappings(const std::string& path, const std::vector<net::PortMapping>& mappings);
std::vector<net::PortMapping> read_port_mappings(const std::string& path);

}  // namespace podctl
