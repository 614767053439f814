// podctl - the scheduler's and the kubelet's admission decisions for podctl's one node: where a
// pod may run given its nodeName, schedulerName, nodeSelector, affinity, tolerations, topology
// spread constraints and resource requests, against the node's labels and allocatable and the
// pods already bound to it. Pure: the supervisor gathers the inputs under the root's scheduling
// lock and records the binding.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "manifests/pod_resources.h"
#include "manifests/pod_spec.h"

namespace podctl::plan {

inline constexpr const char* kNodeName = "localhost";

struct NodeInfo {
  std::string name = kNodeName;
  std::map<std::string, std::string> labels;
  manifest::ResourceAmounts allocatable;  // cpu and memory, in thousandths; extended resources: none
};

// The node as the kubelet registers it: kubernetes.io/hostname, os and arch labels (and their
// beta. forms), allocatable cpu = the CPUs, memory = the machine's less the 100Mi eviction threshold.
NodeInfo this_node(const std::string& machine_arch, int64_t cpus, int64_t memory_bytes);

// A pod bound to the node that has not ended (Succeeded and Failed pods hold nothing).
struct BoundPod {
  std::string ns, name;
  std::map<std::string, std::string> labels;
  manifest::ResourceAmounts requests;
  std::vector<manifest::PodAffinityTerm> anti_affinity;  // its required podAntiAffinity terms
};

enum class Placement {
  Bind,           // runs here
  Unschedulable,  // stays Pending (FailedScheduling), tried again as pods come and go
  NotOurs,        // another scheduler's, or bound to another node: stays Pending, untouched
  Rejected,       // nodeName is this node but the kubelet's admission refuses it: Failed
};

struct SchedulingDecision {
  Placement placement = Placement::Bind;
  std::string reason;   // Rejected: OutOfcpu, OutOfmemory, NodeAffinity...
  std::string message;  // the FailedScheduling event's, or the rejection's
  bool operator==(const SchedulingDecision&) const = default;
};

// Namespace name → its labels (with kubernetes.io/metadata.name), for namespaceSelectors.
using NamespaceLabels = std::function<std::map<std::string, std::string>(const std::string& ns)>;

SchedulingDecision schedule(const manifest::Pod& pod, const NodeInfo& node, const std::vector<BoundPod>& bound,
                            const NamespaceLabels& namespace_labels);

// Whether scheduling `pod` needs the pods bound to the node (requests, affinity, spreading).
bool needs_bound_pods(const manifest::Pod& pod);

BoundPod bound_pod_of(const manifest::Pod& pod);

}  // namespace podctl::plan
