// The StatefulSet controller's step: pods NAME-0…NAME-(N-1) with stable names and hostnames (the
// governing Service as their subdomain), a claim per pod and claim template (CLAIM-NAME-ORDINAL,
// kept when pods go, as the default Retain policy), made, removed and updated in the order
// plan/stateful_set_plan decides.
#include <spdlog/spdlog.h>

#include "base/files.h"
#include "manifests/serialize.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/plan/stateful_set_plan.h"
#include "orchestrator/pods/claims.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

constexpr const char* kRevisionLabel = "controller-revision-hash";

// NAME-ORDINAL → ORDINAL, or -1 for a name of another shape.
int64_t ordinal_of(const std::string& set, const std::string& pod) {
  if (pod.size() <= set.size() + 1 || pod.compare(0, set.size() + 1, set + "-") != 0) return -1;
  std::string digits = pod.substr(set.size() + 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoll(digits.c_str());
}

std::string claim_name(const manifest::PersistentVolumeClaim& tmpl, const std::string& set, int64_t ordinal) {
  return tmpl.metadata.name + "-" + set + "-" + std::to_string(ordinal);
}

// The pod's claims exist before it does (made once, then kept).
Status ensure_claims(const ControllerEnv& env, const manifest::StatefulSet& st, int64_t ordinal) {
  for (const auto& tmpl : st.volume_claim_templates) {
    manifest::PersistentVolumeClaim claim = tmpl;
    claim.metadata.name = claim_name(tmpl, st.metadata.name, ordinal);
    claim.metadata.namespace_ = st.metadata.namespace_;
    claim.metadata.labels = st.selector.match_labels;
    if (get_object(env.ctx.root, "persistentvolumeclaims", claim.metadata.namespace_, claim.metadata.name)) continue;
    PODCTL_TRY(put_object(env.ctx.root, "persistentvolumeclaims", manifest::to_json(claim)));
    PODCTL_ASSIGN_OR_RETURN(auto stored, get_object(env.ctx.root, "persistentvolumeclaims", claim.metadata.namespace_,
                                                    claim.metadata.name));
    PODCTL_TRY(provision_claim(env.ctx.root, stored));
    EventLog{controller_paths(env.ctx.root, env.ref).events()}.add(
        "Normal", "SuccessfulCreate",
        "create Claim " + claim.metadata.name + " Pod " + st.metadata.name + "-" + std::to_string(ordinal) +
            " in StatefulSet " + st.metadata.name + " success");
    spdlog::info("created claim {}", claim.metadata.name);
  }
  return {};
}

manifest::Pod ordinal_pod(const manifest::StatefulSet& st, const json& owner, int64_t ordinal,
                          const std::string& revision) {
  manifest::Pod pod{st.template_.metadata, st.template_.spec};
  pod.metadata.name = st.metadata.name + "-" + std::to_string(ordinal);
  pod.metadata.namespace_ = st.metadata.namespace_;
  pod.metadata.owner_references = {controller_reference(owner)};
  pod.metadata.labels["statefulset.kubernetes.io/pod-name"] = pod.metadata.name;
  pod.metadata.labels["apps.kubernetes.io/pod-index"] = std::to_string(ordinal);
  pod.metadata.labels[kRevisionLabel] = revision;
  pod.spec.hostname = pod.metadata.name;
  if (!st.service_name.empty()) pod.spec.subdomain = st.service_name;
  for (const auto& tmpl : st.volume_claim_templates) {
    manifest::Volume v;
    v.name = tmpl.metadata.name;
    v.persistent_volume_claim = manifest::PersistentVolumeClaimSource{claim_name(tmpl, st.metadata.name, ordinal), false};
    pod.spec.volumes.push_back(v);
  }
  return pod;
}

json status_json(const plan::StatefulSetPlan& p, int64_t generation, const std::string& revision) {
  return json{{"observedGeneration", generation}, {"replicas", p.replicas},       {"readyReplicas", p.ready},
              {"availableReplicas", p.ready},     {"currentReplicas", p.current}, {"updatedReplicas", p.updated},
              {"updateRevision", revision}};
}

}  // namespace

Result<ControllerStep> reconcile_stateful_set(const ControllerEnv& env, const nlohmann::json& stored,
                                   const manifest::StatefulSet& st) {
  const auto& ref = env.ref;
  std::string revision = ref.name + "-" + manifest::pod_template_hash(st.template_);
  PODCTL_ASSIGN_OR_RETURN(auto all, list_pod_records(env.ctx.root, ref.ns));
  auto owned = pods_owned_by(all, stored["metadata"]["uid"]);
  std::map<int64_t, plan::OrdinalPod> pods;
  std::vector<PodRecord> gone;  // stopped, and their supervisor has exited
  for (const auto& p : owned) {
    int64_t ordinal = ordinal_of(ref.name, p.name);
    if (ordinal < 0) continue;
    auto seen = observe_pod(p);
    std::string pod_revision = p.spec["metadata"].value("labels", json::object()).value(kRevisionLabel, "");
    pods[ordinal] = {p.name, pod_revision, seen.phase, seen.ready, seen.terminating, seen.lost && !seen.terminating};
    if (seen.terminating && !p.supervisor_alive) gone.push_back(p);
  }
  plan::StatefulSetSpec spec{st.replicas, st.pod_management_policy == "Parallel", st.update_strategy == "OnDelete",
                             st.partition, revision};
  auto plan = plan::plan_stateful_set(spec, pods);
  request_stops(owned, plan.remove);
  for (const auto& p : pods_named(owned, plan.clean_up)) gone.push_back(p);
  if (auto s = clean_up_pods(env, gone); !s) spdlog::error("{}", s.error().message);
  ControllerStep step;
  std::vector<manifest::Pod> fresh;
  for (int64_t ordinal : plan.create) {
    if (auto s = ensure_claims(env, st, ordinal); !s) {
      spdlog::error("{}", s.error().message);
      step.failed = true;
      break;
    }
    fresh.push_back(ordinal_pod(st, stored, ordinal, revision));
  }
  // A name still in use (a pod cleaned up this step) is free now: create after the cleanup.
  if (auto s = create_owned_pods(env, fresh); !s) {
    spdlog::error("{}", s.error().message);
    step.failed = true;
  }
  auto paths = controller_paths(env.ctx.root, ref);
  PODCTL_TRY(make_dirs(paths.dir, 0700));
  json status = status_json(plan, stored["metadata"].value("generation", 1), revision);
  PODCTL_TRY(write_status(paths, status));
  return step;
}

}  // namespace podctl
