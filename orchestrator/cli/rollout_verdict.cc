#include "orchestrator/cli/rollout_verdict.h"

#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

int64_t field(const json& j, const char* key, int64_t fallback = 0) {
  return j.is_object() ? j.value(key, fallback) : fallback;
}

std::string progressing_reason(const json& status) {
  for (const auto& c : status.value("conditions", json::array()))
    if (c.value("type", "") == "Progressing") return c.value("reason", "");
  return "";
}

// kubectl's DeploymentStatusViewer.
WatchResult deployment_verdict(const json& d) {
  const std::string name = "deployment \"" + d["metadata"].value("name", "") + "\"";
  const json st = d.value("status", json::object());
  const std::string waiting = "Waiting for " + name + " rollout to finish: ";
  if (field(st, "observedGeneration") < field(d["metadata"], "generation", 1))
    return {WatchVerdict::kNotYet, "Waiting for deployment spec update to be observed..."};
  if (progressing_reason(st) == "ProgressDeadlineExceeded")
    return {WatchVerdict::kFailed, name + " exceeded its progress deadline"};
  int64_t want = field(d["spec"], "replicas", 1), updated = field(st, "updatedReplicas");
  int64_t total = field(st, "replicas"), available = field(st, "availableReplicas");
  if (updated < want)
    return {WatchVerdict::kNotYet, waiting + std::to_string(updated) + " out of " + std::to_string(want) +
                                       " new replicas have been updated..."};
  if (total > updated)
    return {WatchVerdict::kNotYet, waiting + std::to_string(total - updated) + " old replicas are pending termination..."};
  if (available < updated)
    return {WatchVerdict::kNotYet, waiting + std::to_string(available) + " of " + std::to_string(updated) +
                                       " updated replicas are available..."};
  return {WatchVerdict::kMet, name + " successfully rolled out"};
}

WatchResult replica_set_verdict(const json& rs) {
  const std::string name = "replica set \"" + rs["metadata"].value("name", "") + "\"";
  const json st = rs.value("status", json::object());
  int64_t want = field(rs["spec"], "replicas", 1), available = field(st, "availableReplicas");
  if (field(st, "observedGeneration") < field(rs["metadata"], "generation", 1) || available < want)
    return {WatchVerdict::kNotYet, "Waiting for " + name + ": " + std::to_string(available) + " of " +
                                       std::to_string(want) + " replicas are available..."};
  return {WatchVerdict::kMet, name + " successfully rolled out"};
}

// kubectl wait --for=condition=complete, failing at once on the Failed condition.
WatchResult job_verdict(const json& job) {
  const std::string name = "job \"" + job["metadata"].value("name", "") + "\"";
  const json st = job.value("status", json::object());
  for (const auto& c : st.value("conditions", json::array())) {
    if (c.value("status", "") != "True") continue;
    if (c.value("type", "") == "Complete") return {WatchVerdict::kMet, name + " completed"};
    if (c.value("type", "") == "Failed")
      return {WatchVerdict::kFailed, name + " failed: " + c.value("reason", "") + ": " + c.value("message", "")};
  }
  return {WatchVerdict::kNotYet, "Waiting for " + name + " to complete: " + std::to_string(field(st, "succeeded")) +
                                     " of " + std::to_string(field(job["spec"], "completions", 1)) + " succeeded, " +
                                     std::to_string(field(st, "failed")) + " failed..."};
}

// kubectl's StatefulSetStatusViewer (RollingUpdate, no partition).
WatchResult stateful_set_verdict(const json& s) {
  const json st = s.value("status", json::object());
  int64_t want = field(s["spec"], "replicas", 1), ready = field(st, "readyReplicas"), updated = field(st, "updatedReplicas");
  if (field(st, "observedGeneration") < field(s["metadata"], "generation", 1))
    return {WatchVerdict::kNotYet, "Waiting for statefulset spec update to be observed..."};
  if (ready < want)
    return {WatchVerdict::kNotYet, "Waiting for " + std::to_string(want - ready) + " pods to be ready..."};
  if (updated < want)
    return {WatchVerdict::kNotYet, "Waiting for partitioned roll out to finish: " + std::to_string(updated) + " out of " +
                                       std::to_string(want) + " new pods have been updated..."};
  return {WatchVerdict::kMet, "statefulset rolling update complete " + std::to_string(want) + " pods at revision " +
                                  st.value("updateRevision", "") + "..."};
}

}  // namespace

WatchResult rollout_verdict(const std::string& resource, const json& object) {
  if (resource == "jobs") return job_verdict(object);
  if (resource == "statefulsets") return stateful_set_verdict(object);
  return resource == "deployments" ? deployment_verdict(object) : replica_set_verdict(object);
}

WatchResult wait_for_rollout(const RootPaths& root, const ControllerRef& ref,
                             std::chrono::steady_clock::time_point deadline) {
  return watch_directory(controller_paths(root, ref).dir, [&]() -> WatchResult {
    auto stored = get_object(root, ref.resource, ref.ns, ref.name);
    if (!stored) return {WatchVerdict::kFailed, stored.error().message};
    return rollout_verdict(ref.resource, with_status(root, ref.resource, *stored));
  }, deadline);
}

}  // namespace podctl
