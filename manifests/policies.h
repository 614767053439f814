// podctl - the spec's policy fields as enums. The manifest keeps the strings it was written with
// (validation names a bad value and where it is); everything that decides by them uses these.
#pragma once

#include <string_view>

#include "manifests/pod_spec.h"

namespace podctl::manifest {

enum class RestartPolicy { Always, OnFailure, Never };
enum class PullPolicy { Always, IfNotPresent, Never };
enum class DnsPolicy { ClusterFirst, ClusterFirstWithHostNet, Default, None };

// The policy a validated spelling names (Always for anything else, the default).
RestartPolicy restart_policy_named(std::string_view name);

// Of a validated and defaulted spec: validation admits only the spellings these map.
RestartPolicy restart_policy_of(const PodSpec& spec);
PullPolicy pull_policy_of(const Container& container);
DnsPolicy dns_policy_of(const PodSpec& spec);

// An init container with restartPolicy: Always (a native sidecar).
bool is_restartable(const Container& container);

}  // namespace podctl::manifest
