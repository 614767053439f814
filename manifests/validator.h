// podctl - the manifest validator's state and checks, shared by validate.cc (metadata, volumes,
// the objects) and validate_container.cc (containers: env, probes, resources, security).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"
#include "manifests/validate.h"

namespace podctl::manifest::detail {

inline std::string quoted(const std::string& s) { return "\"" + s + "\""; }
inline std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

class Validator {
 public:
  std::vector<FieldError> errors;

  void add(const std::string& path, std::string message);
  void check(const std::string& path, const std::string& value, const std::string& why);
  void one_of(const std::string& path, const std::string& value, std::initializer_list<const char*> allowed);
  void range(const std::string& path, int64_t value, int64_t lo, int64_t hi);
  void non_negative(const std::string& path, int64_t value);
  void metadata(const ObjectMeta& m, bool subdomain_name);
  void relative_path(const std::string& path, const std::string& value);
  void port_ref(const std::string& path, const IntOrString& port);
  void http_get(const std::string& path, const HttpGetAction& h);
  void handler(const std::string& path, const Handler& h, bool is_probe);
  void probe(const std::string& path, const std::optional<Probe>& p, bool must_succeed_once);
  void env(const std::string& path, const Container& c);
  void field_ref(const std::string& path, const FieldRef& f, bool for_env);
  void resources(const std::string& path, const ResourceRequirements& r, bool pod_level);
  void pod_resources(const Pod& pod);
  void resource_field_ref(const std::string& path, const ResourceFieldRef& ref);
  // The API server's rules (validateSeccompProfileField): a known type; localhostProfile
  // required for Localhost and forbidden otherwise; here also a relative path that stays in the
  // root's seccomp/ directory.
  void seccomp_profile(const std::string& path, const std::optional<SeccompProfileRef>& p);
  void security_context(const std::string& path, const ContainerSecurityContext& sc);
  void capability(const std::string& path, const std::string& name);
  void container(const std::string& path, const Container& c, const Pod& pod, bool is_init,
                 std::map<std::string, std::string>& host_ports);
  void volume(const std::string& path, const Volume& v, const Pod& pod);
  void key_source(const std::string& path, const ConfigMapVolumeSource& src, const char* name_key,
                  bool has_default_mode);
  void downward_items(const std::string& path, const DownwardApiSource& d, const Pod& pod, bool has_default_mode);
  void volume_resource_field_ref(const std::string& path, const ResourceFieldRef& ref, const Pod& pod);
  void projected(const std::string& path, const ProjectedVolumeSource& p, const Pod& pod);
  void mode(const std::string& path, int64_t m);
  // validate_scheduling.cc
  void label_selector(const std::string& path, const LabelSelector& s);
  void node_selector_term(const std::string& path, const NodeSelectorTerm& term);
  void pod_affinity_term(const std::string& path, const PodAffinityTerm& t);
  void pod_affinity(const std::string& path, const PodAffinity& a);
  void affinity(const Affinity& a);
  void tolerations(const std::vector<Toleration>& list);
  void topology_spread(const std::vector<TopologySpreadConstraint>& list);
  void scheduling(const PodSpec& spec);
};

}  // namespace podctl::manifest::detail
