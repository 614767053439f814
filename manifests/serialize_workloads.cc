// apps/v1 objects and Services → Kubernetes-shaped JSON, and the pod-template-hash of a template.
#include "manifests/serialize.h"

namespace podctl::manifest {
namespace {

using nlohmann::json;


json int_or_string_json(const IntOrString& v) { return v.is_string ? json(v.text) : json(v.number); }

}  // namespace

json to_json(const PodTemplate& t) {
  json meta = json::object();
  if (!t.metadata.labels.empty()) meta["labels"] = t.metadata.labels;
  if (!t.metadata.annotations.empty()) meta["annotations"] = t.metadata.annotations;
  return json{{"metadata", meta}, {"spec", to_json(Pod{{}, t.spec})["spec"]}};
}

json to_json(const ReplicaSet& rs) {
  json spec{{"replicas", rs.replicas}, {"selector", selector_json(rs.selector)}, {"template", to_json(rs.template_)}};
  if (rs.min_ready_seconds) spec["minReadySeconds"] = rs.min_ready_seconds;
  return json{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"metadata", to_json(rs.metadata)}, {"spec", spec}};
}

json to_json(const Deployment& d) {
  json strategy{{"type", d.strategy.type}};
  if (d.strategy.type == "RollingUpdate")
    strategy["rollingUpdate"] = {{"maxSurge", int_or_string_json(d.strategy.rolling_update.max_surge)},
                                 {"maxUnavailable", int_or_string_json(d.strategy.rolling_update.max_unavailable)}};
  json spec{{"replicas", d.replicas},
            {"selector", selector_json(d.selector)},
            {"template", to_json(d.template_)},
            {"strategy", strategy},
            {"revisionHistoryLimit", d.revision_history_limit},
            {"progressDeadlineSeconds", d.progress_deadline_seconds}};
  if (d.min_ready_seconds) spec["minReadySeconds"] = d.min_ready_seconds;
  if (d.paused) spec["paused"] = true;
  return json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", to_json(d.metadata)}, {"spec", spec}};
}

json to_json(const StatefulSet& st) {
  json claims = json::array();
  for (const auto& c : st.volume_claim_templates) {
    json claim = to_json(c);
    claim.erase("apiVersion"), claim.erase("kind");
    claim["metadata"] = {{"name", c.metadata.name}};
    claims.push_back(claim);
  }
  json spec{{"replicas", st.replicas},
            {"selector", selector_json(st.selector)},
            {"template", to_json(st.template_)},
            {"podManagementPolicy", st.pod_management_policy},
            {"updateStrategy", {{"type", st.update_strategy}}}};
  if (st.update_strategy == "RollingUpdate") spec["updateStrategy"]["rollingUpdate"] = {{"partition", st.partition}};
  if (!st.service_name.empty()) spec["serviceName"] = st.service_name;
  if (!claims.empty()) spec["volumeClaimTemplates"] = claims;
  if (st.min_ready_seconds) spec["minReadySeconds"] = st.min_ready_seconds;
  return json{{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"}, {"metadata", to_json(st.metadata)}, {"spec", spec}};
}

json to_json(const Job& j) {
  json spec{{"parallelism", j.parallelism},
            {"backoffLimit", j.backoff_limit},
            {"completionMode", j.completion_mode},
            {"template", to_json(j.template_)}};
  if (j.completions) spec["completions"] = *j.completions;
  if (j.active_deadline_seconds) spec["activeDeadlineSeconds"] = *j.active_deadline_seconds;
  if (j.ttl_seconds_after_finished) spec["ttlSecondsAfterFinished"] = *j.ttl_seconds_after_finished;
  return json{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", to_json(j.metadata)}, {"spec", spec}};
}

json to_json(const Service& s) {
  json ports = json::array();
  for (const auto& p : s.ports) {
    json x{{"port", p.port}, {"protocol", p.protocol}, {"targetPort", int_or_string_json(p.target_port)}};
    if (!p.name.empty()) x["name"] = p.name;
    if (p.node_port) x["nodePort"] = p.node_port;
    ports.push_back(x);
  }
  json spec{{"type", s.type}, {"ports", ports}, {"sessionAffinity", s.session_affinity}};
  if (!s.selector.empty()) spec["selector"] = s.selector;
  if (!s.cluster_ip.empty()) spec["clusterIP"] = s.cluster_ip;
  if (!s.external_name.empty()) spec["externalName"] = s.external_name;
  if (s.session_affinity == "ClientIP")
    spec["sessionAffinityConfig"] = {{"clientIP", {{"timeoutSeconds", s.affinity_timeout_seconds}}}};
  return json{{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", to_json(s.metadata)}, {"spec", spec}};
}

// controller.ComputeHash: FNV-32a of the template, written with rand.SafeEncodeString's alphabet
// (no vowels, no look-alikes), so that the label never spells a word.
std::string pod_template_hash(const PodTemplate& t) {
  std::string text = to_json(t).dump();
  uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string decimal = std::to_string(h), out;
  for (char c : decimal) out += kAlphabet[static_cast<unsigned char>(c) % (sizeof kAlphabet - 1)];
  return out;
}

}  // namespace podctl::manifest
