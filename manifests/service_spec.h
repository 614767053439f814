// podctl - v1 Service as a typed value (k8s.io/api/core/v1 ServiceSpec), the part podctl runs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"

namespace podctl::manifest {

struct ServicePort {
  std::string name;
  std::string protocol;  // TCP (default) or UDP
  int64_t port = 0;
  IntOrString target_port;  // defaulted to port; a name refers to a container port's name
  int64_t node_port = 0;
  bool operator==(const ServicePort&) const = default;
};

struct Service {
  ObjectMeta metadata;
  std::string type;  // ClusterIP (default), NodePort, LoadBalancer or ExternalName
  std::string external_name;  // ExternalName: the host name the Service's names stand for
  std::map<std::string, std::string> selector;
  std::vector<ServicePort> ports;
  std::string cluster_ip;        // "" (allocated), "None" (headless) or an address of the service range
  std::string session_affinity;  // None (default) or ClientIP
  int64_t affinity_timeout_seconds = 10800;
  bool operator==(const Service&) const = default;
};

}  // namespace podctl::manifest
