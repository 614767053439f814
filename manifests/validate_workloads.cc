// Validation of apps/v1 objects, after pkg/apis/apps/validation: the selector, the template (a pod
// of restartPolicy Always), the rollout strategy; and of batch/v1 Jobs (pkg/apis/batch/validation).
#include <regex>

#include "manifests/label_selector.h"
#include "manifests/names.h"
#include "manifests/support.h"
#include "manifests/validate.h"
#include "manifests/validator.h"

namespace podctl::manifest {
namespace {

using detail::idx;
using detail::quoted;
using detail::Validator;

std::string map_text(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ",") + k + "=" + v;
  return "{" + out + "}";
}

void selector(Validator& v, const LabelSelector& s, const std::map<std::string, std::string>& template_labels) {
  if (s.empty()) v.add("spec.selector", "empty selector is invalid for deployment");
  v.label_selector("spec.selector", s);
  if (!s.empty() && !selector_matches(s, template_labels))
    v.add("spec.template.metadata.labels", map_text(template_labels) + ": `selector` does not match template `labels`");
}

// The template is checked as the pod it becomes; its errors are reported at spec.template.
void pod_template(Validator& v, const PodTemplate& t, const ObjectMeta& owner, bool for_job = false,
                  const std::vector<Volume>& added_volumes = {}) {
  if (t.metadata.labels.empty() && !for_job) v.add("spec.template.metadata.labels", "required value");
  Pod pod{t.metadata, t.spec};
  // A StatefulSet's claim templates are volumes of its pods: mounts may name them.
  pod.spec.volumes.insert(pod.spec.volumes.end(), added_volumes.begin(), added_volumes.end());
  pod.metadata.name = owner.name;
  pod.metadata.namespace_ = owner.namespace_;
  auto errors = validate(pod);
  if (errors.empty()) errors = check_implemented(pod);
  for (auto& e : errors) v.add("spec.template." + e.path, e.message);
  if (for_job) {
    if (t.spec.restart_policy != "Never" && t.spec.restart_policy != "OnFailure")
      v.add("spec.template.spec.restartPolicy", "unsupported value " + quoted(t.spec.restart_policy) +
                                                    ": supported values: \"OnFailure\", \"Never\"");
  } else if (t.spec.restart_policy != "Always")
    v.add("spec.template.spec.restartPolicy",
          "unsupported value " + quoted(t.spec.restart_policy) + ": supported values: \"Always\"");
  if (!t.metadata.name.empty()) v.check("spec.template.metadata.name", t.metadata.name, "the controller names its pods: remove this field");
}

// An int or a percentage (GetScaledValueFromIntOrPercent).
void int_or_percent(Validator& v, const std::string& path, const IntOrString& value) {
  static const std::regex percent("^[0-9]+%$");
  if (value.is_string && !std::regex_match(value.text, percent))
    v.add(path, quoted(value.text) + ": a valid percent string must be a numeric string followed by an ending '%'");
  if (!value.is_string) v.non_negative(path, value.number);
}

bool is_zero(const IntOrString& value) {
  return value.is_string ? value.text == "0%" : value.number == 0;
}

void strategy(Validator& v, const DeploymentStrategy& s) {
  v.one_of("spec.strategy.type", s.type, {"RollingUpdate", "Recreate"});
  if (s.type == "Recreate" && s.rolling_update_written)
    v.add("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
  if (s.type != "RollingUpdate") return;
  const auto& r = s.rolling_update;
  int_or_percent(v, "spec.strategy.rollingUpdate.maxSurge", r.max_surge);
  int_or_percent(v, "spec.strategy.rollingUpdate.maxUnavailable", r.max_unavailable);
  if (r.max_unavailable.is_string && r.max_unavailable.text.size() > 1 &&
      std::atoll(r.max_unavailable.text.c_str()) > 100)
    v.add("spec.strategy.rollingUpdate.maxUnavailable", "must not be greater than 100%");
  if (is_zero(r.max_surge) && is_zero(r.max_unavailable))
    v.add("spec.strategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0");
}

}  // namespace

std::vector<FieldError> validate(const Deployment& d) {
  Validator v;
  v.metadata(d.metadata, true);
  v.non_negative("spec.replicas", d.replicas);
  v.non_negative("spec.minReadySeconds", d.min_ready_seconds);
  v.non_negative("spec.revisionHistoryLimit", d.revision_history_limit);
  if (d.progress_deadline_seconds <= d.min_ready_seconds)
    v.add("spec.progressDeadlineSeconds", std::to_string(d.progress_deadline_seconds) +
                                              ": must be greater than minReadySeconds");
  selector(v, d.selector, d.template_.metadata.labels);
  pod_template(v, d.template_, d.metadata);
  strategy(v, d.strategy);
  if (d.paused) v.add("spec.paused", "not supported by podctl yet (rollouts run as soon as the template changes)");
  return v.errors;
}

std::vector<FieldError> validate(const Job& j) {
  Validator v;
  v.metadata(j.metadata, true);
  if (j.metadata.name.size() > 63)
    v.add("metadata.name", "must be no more than 63 characters (it becomes a label value of its pods)");
  if (j.completions) v.non_negative("spec.completions", *j.completions);
  v.non_negative("spec.parallelism", j.parallelism);
  v.non_negative("spec.backoffLimit", j.backoff_limit);
  if (j.active_deadline_seconds && *j.active_deadline_seconds <= 0)
    v.add("spec.activeDeadlineSeconds", std::to_string(*j.active_deadline_seconds) + ": must be greater than 0");
  if (j.ttl_seconds_after_finished) v.non_negative("spec.ttlSecondsAfterFinished", *j.ttl_seconds_after_finished);
  v.one_of("spec.completionMode", j.completion_mode, {"NonIndexed", "Indexed"});
  if (j.completion_mode == "Indexed" && !j.completions)
    v.add("spec.completions", "when completion mode is Indexed, must be specified");
  else if (!j.completions)
    v.add("spec.completions", "not supported by podctl yet without parallelism 1 (work-queue Jobs): give completions");
  pod_template(v, j.template_, j.metadata, true);
  return v.errors;
}

std::vector<FieldError> validate(const StatefulSet& st) {
  Validator v;
  v.metadata(st.metadata, true);
  v.non_negative("spec.replicas", st.replicas);
  v.non_negative("spec.minReadySeconds", st.min_ready_seconds);
  if (!st.service_name.empty()) v.check("spec.serviceName", st.service_name, check_dns1123_label(st.service_name));
  v.one_of("spec.podManagementPolicy", st.pod_management_policy, {"OrderedReady", "Parallel"});
  v.one_of("spec.updateStrategy.type", st.update_strategy, {"RollingUpdate", "OnDelete"});
  v.non_negative("spec.updateStrategy.rollingUpdate.partition", st.partition);
  selector(v, st.selector, st.template_.metadata.labels);
  std::vector<Volume> claims;
  for (size_t i = 0; i < st.volume_claim_templates.size(); ++i) {
    PersistentVolumeClaim c = st.volume_claim_templates[i];
    c.metadata.namespace_ = st.metadata.namespace_;
    for (auto& e : validate(c)) v.add(idx("spec.volumeClaimTemplates", i) + "." + e.path, e.message);
    Volume vol;
    vol.name = c.metadata.name;
    vol.persistent_volume_claim = PersistentVolumeClaimSource{c.metadata.name + "-" + st.metadata.name + "-0", false};
    claims.push_back(vol);
  }
  pod_template(v, st.template_, st.metadata, false, claims);
  return v.errors;
}

std::vector<FieldError> validate(const ReplicaSet& rs) {
  Validator v;
  v.metadata(rs.metadata, true);
  v.non_negative("spec.replicas", rs.replicas);
  v.non_negative("spec.minReadySeconds", rs.min_ready_seconds);
  selector(v, rs.selector, rs.template_.metadata.labels);
  pod_template(v, rs.template_, rs.metadata);
  return v.errors;
}

}  // namespace podctl::manifest
