#include "manifests/policies.h"

namespace podctl::manifest {

RestartPolicy restart_policy_named(std::string_view name) {
  if (name == "OnFailure") return RestartPolicy::OnFailure;
  if (name == "Never") return RestartPolicy::Never;
  return RestartPolicy::Always;  // the default
}

RestartPolicy restart_policy_of(const PodSpec& spec) { return restart_policy_named(spec.restart_policy); }

PullPolicy pull_policy_of(const Container& container) {
  if (container.image_pull_policy == "Always") return PullPolicy::Always;
  if (container.image_pull_policy == "Never") return PullPolicy::Never;
  return PullPolicy::IfNotPresent;
}

DnsPolicy dns_policy_of(const PodSpec& spec) {
  if (spec.dns_policy == "ClusterFirstWithHostNet") return DnsPolicy::ClusterFirstWithHostNet;
  if (spec.dns_policy == "Default") return DnsPolicy::Default;
  if (spec.dns_policy == "None") return DnsPolicy::None;
  return DnsPolicy::ClusterFirst;  // the default
}

bool is_restartable(const Container& container) { return container.restart_policy == "Always"; }

}  // namespace podctl::manifest
