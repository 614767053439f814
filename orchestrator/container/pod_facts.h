// podctl - what a container's environment and the downward API can refer to beyond the spec:
// the pod's uid and addresses, and the ConfigMaps and Secrets of its namespace. Resolved the
// kubelet's way, with its error messages (they become CreateContainerConfigError).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/pod_spec.h"

namespace podctl {

// A Service of the pod's namespace, as its environment variables describe it.
struct ServiceLink {
  std::string name;
  std::string cluster_ip;
  struct Port {
    std::string name;
    int64_t port = 0;
    std::string protocol;
  };
  std::vector<Port> ports;
};

struct PodFacts {
  std::string uid, pod_ip, host_ip, node_name = "localhost";
  // kind: "configmaps" or "secrets"; a missing object is an ENOENT error.
  std::function<Result<nlohmann::json>(const std::string& kind, const std::string& name)> lookup;
  // The directory of a PersistentVolumeClaim of the namespace; ENOENT when there is no such claim.
  std::function<Result<std::string>(const std::string& claim)> claim_dir;
  // The Services of the namespace with a cluster IP, when a container starts.
  std::function<std::vector<ServiceLink>()> services;
};

// Whether anything of the pod comes from a ConfigMap or Secret (a volume, env or envFrom): only
// then does its supervisor watch them.
bool reads_config_sources(const manifest::Pod& pod);

// The machine's memory (node capacity, for unset limits and the Burstable oom_score_adj).
int64_t machine_memory_bytes();

// metadata.name, metadata.labels['k'], status.podIP, …: the value of a downward-API field.
Result<std::string> field_ref_value(const manifest::Pod& pod, const PodFacts& facts, const manifest::FieldRef& ref);

// limits.cpu, requests.memory…, of the container the reference names (`own` when it names
// none), divided by the divisor and rounded up. An unset limit is the pod-level limit, else the
// machine's capacity, as the kubelet reports node allocatable.
Result<std::string> resource_field_value(const manifest::Pod& pod, const manifest::Container* own,
                                         const manifest::ResourceFieldRef& ref);

struct EnvEntry {
  std::string name, value;
  bool expand = false;  // a literal value: $(VAR) refers to earlier entries
};

// The kubelet's service environment variables (envvars.FromServices): DB_SERVICE_HOST,
// DB_SERVICE_PORT[_NAME], and docker's link variables DB_PORT, DB_PORT_5432_TCP[_PROTO|_PORT|_ADDR].
std::vector<EnvEntry> service_link_env(const std::vector<ServiceLink>& services);

// The service variables (unless enableServiceLinks is false), envFrom, then env with valueFrom
// resolved, in the kubelet's order: a later entry of the same name wins.
Result<std::vector<EnvEntry>> resolve_env_sources(const manifest::Pod& pod, const manifest::Container& c,
                                                  const PodFacts& facts);

// A ConfigMap's or Secret's key → bytes (ENOENT when missing).
Result<std::map<std::string, std::string>> lookup_payload(const PodFacts& facts, const std::string& kind,
                                                          const std::string& name);

}  // namespace podctl
