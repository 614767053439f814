// The Job controller's step: pods from the template until enough succeed (each completion index
// once, for Indexed Jobs), the pod-failure backoff, the backoff limit and the active deadline; the
// Job's status and its Complete or Failed condition; and the Job's removal after
// ttlSecondsAfterFinished.
#include <spdlog/spdlog.h>

#include "base/files.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/plan/job_plan.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

constexpr const char* kIndexAnnotation = "batch.kubernetes.io/job-completion-index";

plan::JobPod observe_job_pod(const PodRecord& r, plan::WallMillis now) {
  auto seen = observe_pod(r);
  plan::JobPod p{seen.name, seen.phase, -1, seen.ready, seen.terminating, seen.lost && !seen.terminating, 0};
  const json annotations = r.spec["metadata"].value("annotations", json::object());
  if (annotations.contains(kIndexAnnotation)) p.index = std::atoll(annotations[kIndexAnnotation].get<std::string>().c_str());
  const json status = r.status.is_object() ? r.status.value("status", json::object()) : json::object();
  for (const auto& cs : status.value("containerStatuses", json::array()))
    if (cs.contains("state") && cs["state"].contains("terminated"))
      p.finished = std::max(p.finished, wall_millis_at(cs["state"]["terminated"].value("finishedAt", "")));
  if (p.phase == "Failed" && p.finished <= 0) p.finished = now;
  return p;
}

plan::JobSpec job_spec(const manifest::Job& j) {
  plan::JobSpec s;
  s.completions = j.completions.value_or(1);
  s.parallelism = j.parallelism;
  s.backoff_limit = j.backoff_limit;
  s.indexed = j.completion_mode == "Indexed";
  s.active_deadline_seconds = j.active_deadline_seconds;
  s.ttl_seconds_after_finished = j.ttl_seconds_after_finished;
  return s;
}

// The labels the Job controller puts on its pods, and for an Indexed Job the index, which every
// container also sees as JOB_COMPLETION_INDEX (through the downward API, as Kubernetes does it).
manifest::Pod job_pod(const manifest::Job& j, const json& owner, std::set<std::string>& taken, int64_t index) {
  std::string prefix = j.metadata.name + (index >= 0 ? "-" + std::to_string(index) : "");
  auto pod = pod_from_template(j.template_, owner, taken, prefix);
  std::string uid = owner["metadata"].value("uid", "");
  for (const char* key : {"batch.kubernetes.io/controller-uid", "controller-uid"}) pod.metadata.labels[key] = uid;
  for (const char* key : {"batch.kubernetes.io/job-name", "job-name"}) pod.metadata.labels[key] = j.metadata.name;
  if (index < 0) return pod;
  pod.metadata.annotations[kIndexAnnotation] = std::to_string(index);
  pod.metadata.labels[kIndexAnnotation] = std::to_string(index);
  manifest::EnvVar env;
  env.name = "JOB_COMPLETION_INDEX";
  env.value_from.emplace().field_ref = manifest::FieldRef{"v1", "metadata.annotations['" + std::string(kIndexAnnotation) + "']"};
  for (auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (auto& c : *list) c.env.insert(c.env.begin(), env);
  return pod;
}

plan::JobStatus previous_status(const ControllerPaths& paths) {
  plan::JobStatus st;
  auto j = read_json_file(paths.status());
  if (!j) return st;
  st.start_time = wall_millis_at(j->value("startTime", ""));
  st.completion_time = wall_millis_at(j->value("completionTime", ""));
  st.lost_failures = j->value("podctlLostPods", int64_t{0});
  for (const auto& c : j->value("conditions", json::array()))
    st.finished = plan::JobCondition{c.value("type", ""), c.value("reason", ""), c.value("message", ""),
                                     wall_millis_at(c.value("lastTransitionTime", ""))};
  return st;
}

// Kubernetes' JobStatus; podctlLostPods keeps the count of lost pods already removed.
json status_json(const plan::JobStatus& st) {
  json j{{"active", st.active}, {"ready", st.ready}, {"succeeded", st.succeeded}, {"failed", st.failed},
         {"startTime", rfc3339_at(st.start_time / 1000)}, {"podctlLostPods", st.lost_failures}};
  if (!st.completed_indexes.empty()) j["completedIndexes"] = st.completed_indexes;
  if (st.completion_time) j["completionTime"] = rfc3339_at(st.completion_time / 1000);
  if (st.finished) {
    json c{{"type", st.finished->type}, {"status", "True"}, {"lastProbeTime", rfc3339_at(st.finished->at / 1000)},
           {"lastTransitionTime", rfc3339_at(st.finished->at / 1000)}};
    if (!st.finished->reason.empty()) c["reason"] = st.finished->reason;
    if (!st.finished->message.empty()) c["message"] = st.finished->message;
    j["conditions"] = json::array({c});
  }
  return j;
}

// The job controller's events when the Job ends: Completed, or the Failed condition's reason.
void record_outcome(const ControllerPaths& paths, const plan::JobCondition& finished) {
  EventLog log{paths.events()};
  if (finished.type == "Complete")
    log.add("Normal", "Completed", "Job completed");
  else
    log.add("Warning", finished.reason, finished.message);
}

// ttlSecondsAfterFinished: the Job goes with its pods, as the TTL-after-finished controller does it.
Status expire(const ControllerEnv& env, const std::vector<PodRecord>& owned) {
  PODCTL_TRY(remove_pods(env, owned, 0));
  PODCTL_TRY(delete_object(env.ctx.root, "jobs", env.ref.ns, env.ref.name));
  spdlog::info("job {} expired (ttlSecondsAfterFinished)", env.ref.name);
  return remove_tree(controller_paths(env.ctx.root, env.ref).dir);
}

}  // namespace

Result<ControllerStep> reconcile_job(const ControllerEnv& env, const nlohmann::json& stored,
                                   const manifest::Job& job) {
  const auto& ref = env.ref;
  PODCTL_ASSIGN_OR_RETURN(auto all, list_pod_records(env.ctx.root, ref.ns));
  auto owned = pods_owned_by(all, stored["metadata"]["uid"]);
  auto now = wall_millis();
  std::vector<plan::JobPod> observed;
  std::vector<PodRecord> stopped;  // asked to stop, and their supervisor is gone
  for (const auto& p : owned) {
    observed.push_back(observe_job_pod(p, now));
    if (observed.back().terminating && !p.supervisor_alive) stopped.push_back(p);
  }
  auto paths = controller_paths(env.ctx.root, ref);
  PODCTL_TRY(make_dirs(paths.dir, 0700));
  auto previous = previous_status(paths);
  auto plan = plan::plan_job(job_spec(job), observed, previous, now);
  if (plan.status.finished && !previous.finished) record_outcome(paths, *plan.status.finished);
  if (plan.expired) {
    PODCTL_TRY(expire(env, owned));
    return ControllerStep{true, std::nullopt};
  }
  request_stops(owned, plan.remove);
  auto lost = pods_named(owned, plan.clean_up);
  lost.insert(lost.end(), stopped.begin(), stopped.end());
  if (auto st = clean_up_pods(env, lost); !st) spdlog::error("{}", st.error().message);
  // The status first: a lost pod is counted once, even when creating its replacement fails.
  json status = status_json(plan.status);
  PODCTL_TRY(write_status(paths, status));
  std::vector<manifest::Pod> fresh;
  auto taken = pod_names(all);
  for (int64_t index : plan.create) fresh.push_back(job_pod(job, stored, taken, index));
  ControllerStep step;
  if (auto st = create_owned_pods(env, fresh); !st) {
    spdlog::error("{}", st.error().message);
    step.failed = true;
  }
  step.wake_at = plan.wake_at;
  // Over, with nothing left to stop and no TTL to wait for: nothing more will happen.
  step.done = plan.status.finished && plan.remove.empty() && !job.ttl_seconds_after_finished &&
              std::none_of(observed.begin(), observed.end(), [](const auto& p) { return p.terminating; });
  return step;
}

}  // namespace podctl
