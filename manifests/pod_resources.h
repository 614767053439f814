// podctl - what a pod asks of the machine, as the scheduler and the kubelet add it up
// (k8s.io/component-helpers resource.PodRequests): the regular containers and the sidecars run
// together, each regular init container alone with the sidecars started before it, and the pod
// asks for the larger of the two. Pod-level resources, when set, replace the sum for cpu and
// memory. A request left unset is its limit (the API server's defaulting).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "manifests/pod_spec.h"

namespace podctl::manifest {

// Resource name → requested amount in thousandths (millicores for cpu, milli-bytes for memory).
using ResourceAmounts = std::map<std::string, int64_t>;

ResourceAmounts container_requests(const Container& c);
// The containers' aggregate, ignoring pod-level resources.
ResourceAmounts aggregate_container_requests(const PodSpec& spec);
// What the scheduler accounts: pod-level requests (or limits) for cpu and memory when set.
ResourceAmounts pod_requests(const PodSpec& spec);

// cpu, memory, hugepages-*, ephemeral-storage and the kubernetes.io/ names are the node's own;
// any other name with a domain prefix (example.com/dongle, nvidia.com/gpu) is an extended resource.
bool is_extended_resource(const std::string& name);

}  // namespace podctl::manifest
