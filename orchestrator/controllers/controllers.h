// podctl - one reconcile step of each workload controller, run by `podctl controller` in a loop.
// A step reads the object and what it owns from the store, asks the pure planner
// (plan/replica_plan, plan/deployment_plan) what to do, does it, and writes the object's status.
#pragma once

#include <functional>
#include <optional>

#include "base/error.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/controllers/controller_process.h"
#include "manifests/parse.h"
#include "orchestrator/plan/replica_plan.h"

namespace podctl {

struct ControllerEnv {
  ControllerRef ref;
  PodContext ctx;                                // root, network, pod options (read-only use)
  std::function<Result<LockedContext>()> lock;  // the root's lock, for creating and cleaning up pods
};

struct ControllerStep {
  bool done = false;                        // the object is gone, or idle with nothing to keep
  std::optional<plan::WallMillis> wake_at;  // a time-based change ahead (minReadySeconds, a deadline)
  bool failed = false;                      // something could not be made: retry with backoff
};

// Each takes its object as stored (with uid and generation) and as typed.
Result<ControllerStep> reconcile_replica_set(const ControllerEnv& env, const nlohmann::json& stored,
                                             const manifest::ReplicaSet& rs);
Result<ControllerStep> reconcile_deployment(const ControllerEnv& env, const nlohmann::json& stored,
                                            const manifest::Deployment& d);
Result<ControllerStep> reconcile_service(const ControllerEnv& env, const nlohmann::json& stored,
                                         const manifest::Service& svc);

Result<ControllerStep> reconcile_job(const ControllerEnv& env, const nlohmann::json& stored, const manifest::Job& job);
Result<ControllerStep> reconcile_stateful_set(const ControllerEnv& env, const nlohmann::json& stored,
                                              const manifest::StatefulSet& st);

// What several controllers do to pods: make them (made with pod_from_template), and stop and
// clean up some.
Status create_owned_pods(const ControllerEnv& env, const std::vector<manifest::Pod>& pods);
Status remove_pods(const ControllerEnv& env, const std::vector<PodRecord>& pods, int64_t grace_seconds);
// The pods of `pods` that `names` lists.
std::vector<PodRecord> pods_named(const std::vector<PodRecord>& pods, const std::vector<std::string>& names);
// Stops are asked for, not waited for: replacements start while the old pods use their grace
// period, as on a cluster; a later step cleans up what their supervisors leave. A supervisor still
// running long after its grace period is killed.
void request_stops(const std::vector<PodRecord>& owned, const std::vector<std::string>& remove);
// cleanup_pod (under the root's lock) of pods whose supervisors are gone.
Status clean_up_pods(const ControllerEnv& env, const std::vector<PodRecord>& pods);

}  // namespace podctl
