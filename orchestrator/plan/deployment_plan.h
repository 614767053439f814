// podctl - the Deployment controller's decisions (pkg/controller/deployment: rolling.go,
// recreate.go, sync.go, progress.go), pure: which ReplicaSet to create, how to scale each one,
// which old ones to remove, and the Deployment's status with its conditions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"
#include "orchestrator/plan/replica_plan.h"

namespace podctl::plan {

struct ReplicaSetState {
  std::string name;
  std::string hash;  // its pod-template-hash
  int64_t revision = 0;
  int64_t replicas = 0;  // spec.replicas
  WallMillis created = 0;
  ReplicaCounts pods;    // its active pods
  int64_t remaining = 0; // its pods not yet gone, terminating ones too (Recreate waits for 0)
  bool operator==(const ReplicaSetState&) const = default;
};

struct RolloutSpec {
  int64_t replicas = 1;
  bool recreate = false;
  manifest::IntOrString max_surge{true, 0, "25%"};
  manifest::IntOrString max_unavailable{true, 0, "25%"};
  int64_t revision_history_limit = 10;
  int64_t progress_deadline_seconds = 600;
  std::string template_hash;
  std::string name;  // the Deployment's: its ReplicaSets are NAME-HASH
};

struct DeploymentCondition {
  std::string type;    // Available, Progressing
  std::string status;  // True, False
  std::string reason;
  std::string message;
  WallMillis last_update = 0;
  WallMillis last_transition = 0;
  bool operator==(const DeploymentCondition&) const = default;
};

struct DeploymentStatus {
  int64_t replicas = 0;
  int64_t updated = 0;
  int64_t ready = 0;
  int64_t available = 0;
  int64_t unavailable = 0;
  std::vector<DeploymentCondition> conditions;
  bool operator==(const DeploymentStatus&) const = default;
};

struct DeploymentPlan {
  std::optional<ReplicaSetState> create;       // a new ReplicaSet for the current template
  std::map<std::string, int64_t> scale;        // ReplicaSet → its new spec.replicas
  std::map<std::string, int64_t> revise;       // an old template used again takes the next revision
  std::vector<std::string> remove;             // old ReplicaSets beyond revisionHistoryLimit
  DeploymentStatus status;
  std::optional<WallMillis> deadline_at;       // when the progress deadline passes, if it may
  bool operator==(const DeploymentPlan&) const = default;
};

// ResolveFenceposts: maxSurge rounded up, maxUnavailable down, and never both 0.
std::pair<int64_t, int64_t> resolve_fenceposts(const RolloutSpec& spec);
DeploymentPlan plan_deployment(const RolloutSpec& spec, const std::vector<ReplicaSetState>& sets,
                               const DeploymentStatus& previous, WallMillis now);
// DeploymentComplete: every replica updated and available, no old pod left.
bool rollout_complete(const RolloutSpec& spec, const DeploymentStatus& status);

}  // namespace podctl::plan
