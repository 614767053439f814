// podctl - what a pod says about where it may run (core/v1 Affinity, Toleration,
// TopologySpreadConstraint). podctl's one node evaluates them as the scheduler would.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "manifests/selector_spec.h"

namespace podctl::manifest {

struct NodeSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
  bool operator==(const NodeSelectorRequirement&) const = default;
};

// Requirements ANDed; matchFields may only name metadata.name.
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;
  bool operator==(const NodeSelectorTerm&) const = default;
};

struct PreferredSchedulingTerm {
  int64_t weight = 0;
  NodeSelectorTerm preference;
  bool operator==(const PreferredSchedulingTerm&) const = default;
};

struct NodeAffinity {
  // requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, ORed.
  std::optional<std::vector<NodeSelectorTerm>> required;
  std::vector<PreferredSchedulingTerm> preferred;
  bool operator==(const NodeAffinity&) const = default;
};

struct PodAffinityTerm {
  std::optional<LabelSelector> label_selector;  // none: matches no pod
  std::vector<std::string> namespaces;          // with no namespaceSelector either: the pod's own
  std::optional<LabelSelector> namespace_selector;
  std::string topology_key;
  bool operator==(const PodAffinityTerm&) const = default;
};

struct WeightedPodAffinityTerm {
  int64_t weight = 0;
  PodAffinityTerm term;
  bool operator==(const WeightedPodAffinityTerm&) const = default;
};

// podAffinity or podAntiAffinity.
struct PodAffinity {
  std::vector<PodAffinityTerm> required;
  std::vector<WeightedPodAffinityTerm> preferred;
  bool operator==(const PodAffinity&) const = default;
};

struct Affinity {
  std::optional<NodeAffinity> node_affinity;
  std::optional<PodAffinity> pod_affinity;
  std::optional<PodAffinity> pod_anti_affinity;
  bool operator==(const Affinity&) const = default;
};

struct Toleration {
  std::string key;
  std::string op;  // Equal (default) | Exists | Gt | Lt (an integer value)
  std::string value;
  std::string effect;  // "" (all) | NoSchedule | PreferNoSchedule | NoExecute
  std::optional<int64_t> toleration_seconds;
  bool operator==(const Toleration&) const = default;
};

struct TopologySpreadConstraint {
  int64_t max_skew = 0;
  std::string topology_key;
  std::string when_unsatisfiable;  // DoNotSchedule | ScheduleAnyway
  std::optional<LabelSelector> label_selector;
  std::optional<int64_t> min_domains;
  std::string node_affinity_policy;  // Honor (default) | Ignore
  std::string node_taints_policy;    // Ignore (default) | Honor
  std::vector<std::string> match_label_keys;
  bool operator==(const TopologySpreadConstraint&) const = default;
};

}  // namespace podctl::manifest
