// podctl - the workload objects of apps/v1 (ReplicaSet, Deployment) and batch/v1 (Job) as typed
// values, after k8s.io/api/apps/v1/types.go and batch/v1/types.go. A pod template is a Pod without a name of its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"

namespace podctl::manifest {

struct PodTemplate {
  ObjectMeta metadata;  // labels and annotations; no name
  PodSpec spec;
  bool operator==(const PodTemplate&) const = default;
};

struct ReplicaSet {
  ObjectMeta metadata;
  int64_t replicas = 1;
  int64_t min_ready_seconds = 0;
  LabelSelector selector;
  PodTemplate template_;
  bool operator==(const ReplicaSet&) const = default;
};

struct RollingUpdateDeployment {
  IntOrString max_surge{true, 0, "25%"};
  IntOrString max_unavailable{true, 0, "25%"};
  bool operator==(const RollingUpdateDeployment&) const = default;
};

struct DeploymentStrategy {
  std::string type;  // RollingUpdate (default) or Recreate
  RollingUpdateDeployment rolling_update;
  bool rolling_update_written = false;  // refused with Recreate
  bool operator==(const DeploymentStrategy&) const = default;
};

struct Deployment {
  ObjectMeta metadata;
  int64_t replicas = 1;
  LabelSelector selector;
  PodTemplate template_;
  DeploymentStrategy strategy;
  int64_t min_ready_seconds = 0;
  int64_t revision_history_limit = 10;
  int64_t progress_deadline_seconds = 600;
  bool paused = false;
  bool operator==(const Deployment&) const = default;
};

struct Job {
  ObjectMeta metadata;
  std::optional<int64_t> completions;  // unset with parallelism: 1, as the API server defaults
  int64_t parallelism = 1;
  int64_t backoff_limit = 6;
  std::optional<int64_t> active_deadline_seconds;
  std::optional<int64_t> ttl_seconds_after_finished;
  std::string completion_mode;  // NonIndexed (default) or Indexed
  PodTemplate template_;
  bool operator==(const Job&) const = default;
};

struct StatefulSet {
  ObjectMeta metadata;
  int64_t replicas = 1;
  std::string service_name;  // the governing (headless) Service: the pods' subdomain
  LabelSelector selector;
  PodTemplate template_;
  std::vector<PersistentVolumeClaim> volume_claim_templates;  // one claim per pod and template
  std::string pod_management_policy;  // OrderedReady (default) or Parallel
  std::string update_strategy;        // RollingUpdate (default) or OnDelete
  int64_t partition = 0;
  int64_t min_ready_seconds = 0;
  bool operator==(const StatefulSet&) const = default;
};

}  // namespace podctl::manifest
