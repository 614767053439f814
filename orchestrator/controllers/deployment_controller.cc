// The Deployment controller's step: ReplicaSets per template, rolled out by the strategy.
#include <spdlog/spdlog.h>

#include "base/files.h"
#include "manifests/serialize.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/plan/deployment_plan.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

constexpr const char* kRevision = "deployment.kubernetes.io/revision";
constexpr const char* kHashLabel = "pod-template-hash";

plan::ReplicaSetState state_of(const json& rs, const std::vector<PodRecord>& pods, int64_t min_ready,
                               plan::WallMillis now) {
  plan::ReplicaSetState s;
  const json meta = rs["metadata"];
  s.name = meta.value("name", "");
  s.hash = meta.value("labels", json::object()).value(kHashLabel, "");
  s.revision = std::atoll(meta.value("annotations", json::object()).value(kRevision, "0").c_str());
  s.replicas = rs["spec"].value("replicas", int64_t{1});
  s.created = wall_millis_at(meta.value("creationTimestamp", ""));
  std::vector<plan::OwnedPod> observed;
  for (const auto& p : pods_owned_by(pods, meta.value("uid", ""))) {
    const auto& pod = observed.emplace_back(observe_pod(p));
    // Until its cleanup, a stopped pod still holds its address and files: Recreate waits for that.
    bool terminal = pod.phase == "Succeeded" || pod.phase == "Failed";
    s.remaining += !terminal || pod.terminating || pod.lost;
  }
  s.pods = plan::count_replicas(observed, min_ready, now);
  return s;
}

plan::RolloutSpec rollout_spec(const manifest::Deployment& d) {
  plan::RolloutSpec s;
  s.name = d.metadata.name;
  s.replicas = d.replicas;
  s.recreate = d.strategy.type == "Recreate";
  s.max_surge = d.strategy.rolling_update.max_surge;
  s.max_unavailable = d.strategy.rolling_update.max_unavailable;
  s.revision_history_limit = d.revision_history_limit;
  s.progress_deadline_seconds = d.progress_deadline_seconds;
  s.template_hash = manifest::pod_template_hash(d.template_);
  return s;
}

// The new ReplicaSet: the template with the pod-template-hash label, selected by it too.
json new_replica_set(const manifest::Deployment& d, const json& owner, const plan::ReplicaSetState& s) {
  manifest::ReplicaSet rs;
  rs.metadata.name = s.name;
  rs.metadata.namespace_ = d.metadata.namespace_;
  rs.metadata.labels = d.template_.metadata.labels;
  rs.metadata.labels[kHashLabel] = s.hash;
  rs.metadata.annotations[kRevision] = std::to_string(s.revision);
  rs.metadata.owner_references = {controller_reference(owner)};
  rs.replicas = s.replicas;
  rs.min_ready_seconds = d.min_ready_seconds;
  rs.selector = d.selector;
  rs.selector.match_labels[kHashLabel] = s.hash;
  rs.template_ = d.template_;
  rs.template_.metadata.labels[kHashLabel] = s.hash;
  return manifest::to_json(rs);
}

plan::DeploymentStatus previous_status(const json& stored) {
  plan::DeploymentStatus st;
  if (!stored.is_object()) return st;
  st.replicas = stored.value("replicas", int64_t{0});
  st.updated = stored.value("updatedReplicas", int64_t{0});
  st.ready = stored.value("readyReplicas", int64_t{0});
  st.available = stored.value("availableReplicas", int64_t{0});
  st.unavailable = stored.value("unavailableReplicas", int64_t{0});
  for (const auto& c : stored.value("conditions", json::array()))
    st.conditions.push_back({c.value("type", ""), c.value("status", ""), c.value("reason", ""),
                             c.value("message", ""), wall_millis_at(c.value("lastUpdateTime", "")),
                             wall_millis_at(c.value("lastTransitionTime", ""))});
  return st;
}

json status_json(const plan::DeploymentStatus& st, int64_t generation) {
  json conditions = json::array();
  for (const auto& c : st.conditions)
    conditions.push_back({{"type", c.type},
                          {"status", c.status},
                          {"reason", c.reason},
                          {"message", c.message},
                          {"lastUpdateTime", rfc3339_at(c.last_update / 1000)},
                          {"lastTransitionTime", rfc3339_at(c.last_transition / 1000)}});
  return json{{"observedGeneration", generation}, {"replicas", st.replicas},
              {"updatedReplicas", st.updated},     {"readyReplicas", st.ready},
              {"availableReplicas", st.available}, {"unavailableReplicas", st.unavailable},
              {"conditions", conditions}};
}

Status set_replicas(const RootPaths& root, json rs, int64_t replicas, std::optional<int64_t> revision) {
  rs["spec"]["replicas"] = replicas;
  if (revision) rs["metadata"]["annotations"][kRevision] = std::to_string(*revision);
  PODCTL_TRY(put_object(root, "replicasets", rs));
  return {};
}

// The deployment controller's ScalingReplicaSet event (scaleReplicaSet in sync.go).
void record_scaling(const ControllerEnv& env, const std::string& set, int64_t from, int64_t to) {
  if (from == to) return;
  EventLog{controller_paths(env.ctx.root, env.ref).events()}.add(
      "Normal", "ScalingReplicaSet",
      std::string(to > from ? "Scaled up" : "Scaled down") + " replica set " + set + " from " + std::to_string(from) +
          " to " + std::to_string(to));
}

// Carries the plan out on the ReplicaSets; their controllers do the pods.
Status apply_plan(const ControllerEnv& env, const manifest::Deployment& d, const json& owner,
                  const std::vector<json>& sets, const plan::DeploymentPlan& plan) {
  const auto& root = env.ctx.root;
  if (plan.create) {
    PODCTL_TRY(put_object(root, "replicasets", new_replica_set(d, owner, *plan.create)));
    record_scaling(env, plan.create->name, 0, plan.create->replicas);
    spdlog::info("created replica set {} with {} replicas", plan.create->name, plan.create->replicas);
  }
  for (const auto& rs : sets) {
    std::string name = rs["metadata"]["name"];
    auto scale = plan.scale.find(name);
    auto revise = plan.revise.find(name);
    if (scale == plan.scale.end() && revise == plan.revise.end()) continue;
    const int64_t before = rs["spec"].value("replicas", int64_t{1});
    int64_t replicas = scale != plan.scale.end() ? scale->second : before;
    PODCTL_TRY(set_replicas(root, rs, replicas,
                            revise != plan.revise.end() ? std::optional<int64_t>(revise->second) : std::nullopt));
    record_scaling(env, name, before, replicas);
    spdlog::info("scaled replica set {} to {}", name, replicas);
  }
  for (const auto& name : plan.remove) {
    ControllerRef ref{"replicasets", env.ref.ns, name};
    PODCTL_TRY(stop_controller(root, ref));
    PODCTL_TRY(delete_object(root, "replicasets", env.ref.ns, name));
    PODCTL_TRY(remove_tree(controller_paths(root, ref).dir));
    spdlog::info("removed old replica set {}", name);
  }
  return {};
}

// Every ReplicaSet with pods to keep or to remove needs its controller running.
Status ensure_set_controllers(const ControllerEnv& env, const std::vector<plan::ReplicaSetState>& states,
                              const plan::DeploymentPlan& plan) {
  for (const auto& s : states) {
    auto scale = plan.scale.find(s.name);
    int64_t replicas = scale != plan.scale.end() ? scale->second : s.replicas;
    bool removed = std::find(plan.remove.begin(), plan.remove.end(), s.name) != plan.remove.end();
    if (!removed && (replicas > 0 || s.remaining > 0))
      PODCTL_TRY(ensure_controller(env.ctx, {"replicasets", env.ref.ns, s.name}));
  }
  if (plan.create) PODCTL_TRY(ensure_controller(env.ctx, {"replicasets", env.ref.ns, plan.create->name}));
  return {};
}

}  // namespace

Result<ControllerStep> reconcile_deployment(const ControllerEnv& env, const nlohmann::json& stored,
                                   const manifest::Deployment& d) {
  const auto& ref = env.ref;
  const auto& root = env.ctx.root;
  std::string uid = stored["metadata"]["uid"];
  PODCTL_ASSIGN_OR_RETURN(auto all_sets, list_objects(root, "replicasets", ref.ns));
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, ref.ns));
  auto now = wall_millis();
  std::vector<json> sets;
  std::vector<plan::ReplicaSetState> states;
  for (const auto& rs : all_sets) {
    if (!owned_by(rs, uid)) continue;
    sets.push_back(rs);
    states.push_back(state_of(rs, pods, d.min_ready_seconds, now));
  }
  auto status_path = controller_paths(root, ref).status();
  auto previous = read_json_file(status_path);
  auto plan = plan::plan_deployment(rollout_spec(d), states, previous_status(previous ? *previous : json()), now);
  PODCTL_TRY(apply_plan(env, d, stored, sets, plan));
  PODCTL_TRY(ensure_set_controllers(env, states, plan));
  json status = status_json(plan.status, stored["metadata"].value("generation", 1));
  PODCTL_TRY(write_status(controller_paths(root, ref), status));

  ControllerStep step;
  step.wake_at = plan.deadline_at;
  if (d.min_ready_seconds > 0)
    for (const auto& p : pods) {
      auto at = plan::next_available_at({observe_pod(p)}, d.min_ready_seconds, now);
      if (at && (!step.wake_at || *at < *step.wake_at)) step.wake_at = at;
    }
  return step;
}

}  // namespace podctl
