// The ReplicaSet controller's step: keep `replicas` active pods of the template.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/files.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

// The controllers' wording: the StatefulSet controller names its set, the others only the pod.
void record_pod_event(const ControllerEnv& env, const std::string& verb, const std::string& pod,
                      const std::string& error = "") {
  EventLog log{controller_paths(env.ctx.root, env.ref).events()};
  const bool ok = error.empty();
  const std::string reason = std::string(ok ? "Successful" : "Failed") + (verb == "create" ? "Create" : "Delete");
  if (env.ref.resource == "statefulsets") {
    log.add(ok ? "Normal" : "Warning", reason,
            verb + " Pod " + pod + " in StatefulSet " + env.ref.name + (ok ? " successful" : " failed error: " + error));
    return;
  }
  if (ok)
    log.add("Normal", reason, (verb == "create" ? "Created pod: " : "Deleted pod: ") + pod);
  else
    log.add("Warning", reason, (verb == "create" ? "Error creating: " : "Error deleting: ") + error);
}

}  // namespace

Status create_owned_pods(const ControllerEnv& env, const std::vector<manifest::Pod>& pods) {
  if (pods.empty()) return {};
  PODCTL_ASSIGN_OR_RETURN(auto locked, env.lock());
  locked.ctx.pod_options = env.ctx.pod_options;
  Status result;
  for (const auto& pod : pods) {
    auto created = create_pod(locked.ctx, pod);
    if (!created) {
      record_pod_event(env, "create", pod.metadata.name, created.error().message);
      result = fail(created.error().wrap("create pod " + pod.metadata.name));
      break;
    }
    record_pod_event(env, "create", pod.metadata.name);
    spdlog::info("created pod {}", pod.metadata.name);
  }
  if (auto st = refresh_peer_hosts(locked.ctx, env.ref.ns); !st) spdlog::warn("{}", st.error().message);
  return result;
}

// The pods stop without the root's lock (a grace period can be long); only their cleanup takes it.
Status remove_pods(const ControllerEnv& env, const std::vector<PodRecord>& pods, int64_t grace_seconds) {
  if (pods.empty()) return {};
  PODCTL_TRY(stop_pods(pods, grace_seconds));
  return clean_up_pods(env, pods);
}

Status clean_up_pods(const ControllerEnv& env, const std::vector<PodRecord>& pods) {
  if (pods.empty()) return {};
  PODCTL_ASSIGN_OR_RETURN(auto locked, env.lock());
  Status result;
  for (const auto& p : pods) {
    auto st = cleanup_pod(locked.ctx, p);
    if (!st && result) result = st;
    record_pod_event(env, "delete", p.name, st ? "" : st.error().message);
    if (st) spdlog::info("deleted pod {}", p.name);
  }
  if (auto st = refresh_peer_hosts(locked.ctx, env.ref.ns); !st) spdlog::warn("{}", st.error().message);
  return result;
}

std::vector<PodRecord> pods_named(const std::vector<PodRecord>& pods, const std::vector<std::string>& names) {
  std::vector<PodRecord> out;
  for (const auto& p : pods)
    if (std::find(names.begin(), names.end(), p.name) != names.end()) out.push_back(p);
  return out;
}

void request_stops(const std::vector<PodRecord>& owned, const std::vector<std::string>& remove) {
  for (const auto& p : pods_named(owned, remove))
    if (auto st = request_pod_stop(p, -1); !st) spdlog::error("{}", st.error().message);
  for (const auto& p : owned)
    if (auto st = enforce_stop_deadline(p); !st) spdlog::error("{}", st.error().message);
}

namespace {

json replica_set_status(const plan::ReplicaCounts& counts, int64_t generation, const std::string& failure) {
  json st{{"replicas", counts.replicas},
          {"fullyLabeledReplicas", counts.replicas},
          {"readyReplicas", counts.ready},
          {"availableReplicas", counts.available},
          {"observedGeneration", generation}};
  // The ReplicaFailure condition says why pods could not be made (kubectl describe shows it).
  if (!failure.empty())
    st["conditions"] = json::array({json{{"type", "ReplicaFailure"},
                                         {"status", "True"},
                                         {"reason", "FailedCreate"},
                                         {"message", failure},
                                         {"lastTransitionTime", rfc3339_now()}}});
  return st;
}

Status write_status_if_changed(const std::string& path, const json& status) {
  auto old = read_json_file(path);
  json comparable = status, before = old ? *old : json();
  for (json* j : {&comparable, &before})
    if (j->is_object() && j->contains("conditions"))
      for (auto& c : (*j)["conditions"]) c.erase("lastTransitionTime");
  if (old && comparable == before) return {};
  return write_runtime_file(path, status.dump(2) + "\n", 0600);
}

}  // namespace

Result<ControllerStep> reconcile_replica_set(const ControllerEnv& env, const nlohmann::json& stored,
                                   const manifest::ReplicaSet& rs) {
  const auto& ref = env.ref;
  PODCTL_ASSIGN_OR_RETURN(auto all, list_pod_records(env.ctx.root, ref.ns));
  auto owned = pods_owned_by(all, stored["metadata"]["uid"]);
  std::vector<plan::OwnedPod> observed;
  for (const auto& p : owned) observed.push_back(observe_pod(p));

  auto plan = plan::plan_replicas(rs.replicas, observed);
  request_stops(owned, plan.remove);
  std::string failure;
  if (auto st = clean_up_pods(env, pods_named(owned, plan.clean_up)); !st) spdlog::error("{}", st.error().message);
  std::vector<manifest::Pod> fresh;
  auto taken = pod_names(all);
  for (int64_t i = 0; i < plan.create; ++i) fresh.push_back(pod_from_template(rs.template_, stored, taken));
  if (auto st = create_owned_pods(env, fresh); !st) {
    failure = st.error().message;
    spdlog::error("{}", failure);
  }

  auto now = wall_millis();
  auto counts = plan::count_replicas(observed, rs.min_ready_seconds, now);
  PODCTL_TRY(make_dirs(controller_paths(env.ctx.root, ref).dir, 0700));
  PODCTL_TRY(write_status_if_changed(controller_paths(env.ctx.root, ref).status(),
                                     replica_set_status(counts, stored["metadata"].value("generation", 1), failure)));
  ControllerStep step;
  step.done = rs.replicas == 0 && owned.empty();
  step.wake_at = plan::next_available_at(observed, rs.min_ready_seconds, now);
  step.failed = !failure.empty();
  return step;
}

}  // namespace podctl
