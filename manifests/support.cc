#include "manifests/support.h"

#include <arpa/inet.h>

namespace podctl::manifest {
namespace {

constexpr const char* kNotYet = "not supported by podctl yet";

bool is_ipv4(const std::string& host) {
  in_addr addr{};
  return ::inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

// Probes and hooks reach the pod over plain HTTP or TCP at an IP address; podctl resolves no names.
void handler(std::vector<FieldError>& out, const std::string& path, const Handler& h) {
  if (h.grpc) out.push_back({path + ".grpc", kNotYet, {}});
  if (h.http_get && h.http_get->scheme == "HTTPS")
    out.push_back({path + ".httpGet.scheme", std::string(kNotYet) + " (HTTPS)", {}});
  if (h.http_get && !h.http_get->host.empty() && !is_ipv4(h.http_get->host))
    out.push_back({path + ".httpGet.host",
                   "must be an IPv4 address: podctl does not resolve host names in probes and hooks",
                   {}});
  if (h.tcp_socket && !h.tcp_socket->host.empty() && !is_ipv4(h.tcp_socket->host))
    out.push_back(
        {path + ".tcpSocket.host", "must be an IPv4 address: podctl does not resolve host names in probes", {}});
}

void container(std::vector<FieldError>& out, const std::string& path, const Container& c) {
  auto no = [&](bool used, const std::string& field) {
    if (used) out.push_back({path + "." + field, kNotYet, {}});
  };
  for (size_t i = 0; i < c.ports.size(); ++i) {
    no(c.ports[i].protocol == "SCTP" && c.ports[i].host_port != 0, "ports[" + std::to_string(i) + "].hostPort (SCTP)");
    no(c.ports[i].host_port == 0 && !c.ports[i].host_ip.empty(),
       "ports[" + std::to_string(i) + "].hostIP (without hostPort)");
  }
  for (auto [name, probe] : {std::pair{"livenessProbe", &c.liveness_probe},
                             {"readinessProbe", &c.readiness_probe},
                             {"startupProbe", &c.startup_probe}})
    if (*probe) handler(out, path + "." + name, (*probe)->handler);
  if (c.lifecycle && c.lifecycle->post_start) handler(out, path + ".lifecycle.postStart", *c.lifecycle->post_start);
  if (c.lifecycle && c.lifecycle->pre_stop) handler(out, path + ".lifecycle.preStop", *c.lifecycle->pre_stop);
  no(c.stdin, "stdin");
  no(c.tty, "tty");
}

}  // namespace

std::vector<FieldError> check_implemented(const Pod& pod) {
  std::vector<FieldError> out;
  const auto& spec = pod.spec;
  for (size_t i = 0; i < spec.containers.size(); ++i)
    container(out, "spec.containers[" + std::to_string(i) + "]", spec.containers[i]);
  for (size_t i = 0; i < spec.init_containers.size(); ++i) {
    std::string path = "spec.initContainers[" + std::to_string(i) + "]";
    container(out, path, spec.init_containers[i]);
  }
  for (size_t i = 0; i < spec.volumes.size(); ++i) {
    const auto& v = spec.volumes[i];
    if (v.empty_dir && v.empty_dir->medium.empty() && v.empty_dir->size_limit)
      out.push_back({"spec.volumes[" + std::to_string(i) + "].emptyDir.sizeLimit",
                     std::string(kNotYet) + " on disk (the kubelet enforces it by eviction); use medium: Memory",
                     {}});
  }
  return out;
}

}  // namespace podctl::manifest
