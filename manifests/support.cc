#include "manifests/support.h"

namespace podctl::manifest {
namespace {

constexpr const char* kNotYet = "not supported by podctl yet";

void container(std::vector<FieldError>& out, const std::string& path, const Container& c) {
  auto no = [&](bool used, const std::string& field) {
    if (used) out.push_back({path + "." + field, kNotYet, {}});
  };
  no(!c.env_from.empty(), "envFrom");
  for (size_t i = 0; i < c.env.size(); ++i)
    no(c.env[i].value_from.has_value(), "env[" + std::to_string(i) + "].valueFrom");
  for (size_t i = 0; i < c.ports.size(); ++i) {
    no(c.ports[i].host_port != 0, "ports[" + std::to_string(i) + "].hostPort");
    no(!c.ports[i].host_ip.empty(), "ports[" + std::to_string(i) + "].hostIP");
  }
  no(!c.resources.limits.empty() || !c.resources.requests.empty(), "resources");
  no(!c.volume_mounts.empty(), "volumeMounts");
  no(c.liveness_probe.has_value(), "livenessProbe");
  no(c.readiness_probe.has_value(), "readinessProbe");
  no(c.startup_probe.has_value(), "startupProbe");
  no(c.lifecycle.has_value(), "lifecycle");
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
    if (spec.init_containers[i].restart_policy)
      out.push_back({path + ".restartPolicy", std::string(kNotYet) + " (sidecar containers)", {}});
  }
  if (!spec.volumes.empty()) out.push_back({"spec.volumes", kNotYet, {}});
  if (!spec.subdomain.empty()) out.push_back({"spec.subdomain", kNotYet, {}});
  return out;
}

}  // namespace podctl::manifest
