// Validation of v1 Services, after pkg/apis/core/validation ValidateService: the name (a DNS-1035
// label), the ports, the selector, the cluster IP and the session affinity.
#include <set>

#include "manifests/names.h"
#include "manifests/validate.h"
#include "manifests/validator.h"

namespace podctl::manifest {
namespace {

using detail::idx;
using detail::quoted;
using detail::Validator;

void service_port(Validator& v, const std::string& path, const ServicePort& p, bool named, bool node_ports) {
  if (named && p.name.empty()) v.add(path + ".name", "required value (a Service with several ports names each)");
  if (!p.name.empty()) v.check(path + ".name", p.name, check_dns1123_label(p.name));
  v.range(path + ".port", p.port, 1, 65535);
  v.one_of(path + ".protocol", p.protocol, {"TCP", "UDP"});
  v.port_ref(path + ".targetPort", p.target_port);
  if (p.node_port && !node_ports) v.add(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
  if (p.node_port && node_ports) v.range(path + ".nodePort", p.node_port, 30000, 32767);
}

}  // namespace

std::vector<FieldError> validate(const Service& s) {
  Validator v;
  v.check("metadata.name", s.metadata.name, check_dns1035_label(s.metadata.name));
  ObjectMeta rest = s.metadata;
  rest.name = "x";  // checked above, by the Service's own rule
  v.metadata(rest, false);
  v.one_of("spec.type", s.type, {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"});
  // ExternalName: names only (ValidateService's rules for it), checked here and nothing further.
  if (s.type == "ExternalName") {
    if (s.external_name.empty())
      v.add("spec.externalName", "Required value");
    else
      v.check("spec.externalName", s.external_name, check_dns1123_subdomain(s.external_name));
    if (!s.cluster_ip.empty()) v.add("spec.clusterIP", "may not be set for ExternalName services");
    for (size_t i = 0; i < s.ports.size(); ++i) {
      ServicePort p = s.ports[i];
      if (p.node_port) v.add(idx("spec.ports", i) + ".nodePort", "may not be used when `type` is 'ExternalName'");
      p.node_port = 0;
      service_port(v, idx("spec.ports", i), p, s.ports.size() > 1, false);
    }
    v.one_of("spec.sessionAffinity", s.session_affinity, {"None", "ClientIP"});
    return v.errors;
  }
  if (!s.external_name.empty()) v.add("spec.externalName", "may only be set when `type` is 'ExternalName'");
  const bool headless = s.cluster_ip == "None";
  const bool node_ports = s.type == "NodePort" || s.type == "LoadBalancer";
  if (headless && node_ports) v.add("spec.clusterIP", "may not be set to 'None' for " + s.type + " services");
  std::set<int64_t> taken_node_ports;
  if (!headless && !s.cluster_ip.empty()) v.check("spec.clusterIP", s.cluster_ip, check_ip(s.cluster_ip));
  if (s.ports.empty() && !headless) v.add("spec.ports", "required value");
  std::set<std::string> names;
  std::set<std::pair<int64_t, std::string>> ports;
  for (size_t i = 0; i < s.ports.size(); ++i) {
    const auto& p = s.ports[i];
    std::string path = idx("spec.ports", i);
    service_port(v, path, p, s.ports.size() > 1, node_ports);
    if (p.node_port && !taken_node_ports.insert(p.node_port).second)
      v.add(path + ".nodePort", std::to_string(p.node_port) + ": duplicate nodePort");
    if (!p.name.empty() && !names.insert(p.name).second) v.add(path + ".name", quoted(p.name) + ": duplicate name");
    if (!ports.insert({p.port, p.protocol}).second)
      v.add(path, "duplicate port " + std::to_string(p.port) + "/" + p.protocol);
  }
  for (const auto& [k, val] : s.selector) {
    v.check("spec.selector." + k, k, check_qualified_name(k));
    v.check("spec.selector." + k, val, check_label_value(val));
  }
  v.one_of("spec.sessionAffinity", s.session_affinity, {"None", "ClientIP"});
  if (s.session_affinity == "ClientIP")
    v.range("spec.sessionAffinityConfig.clientIP.timeoutSeconds", s.affinity_timeout_seconds, 1, 86400);
  return v.errors;
}

}  // namespace podctl::manifest
