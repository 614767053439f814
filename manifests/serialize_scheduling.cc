// Label selectors and a pod's scheduling fields → Kubernetes-shaped JSON.
#include "manifests/serialize.h"

namespace podctl::manifest {
namespace {

using nlohmann::json;

json node_requirements(const std::vector<NodeSelectorRequirement>& list) {
  json out = json::array();
  for (const auto& r : list) {
    json x{{"key", r.key}, {"operator", r.op}};
    if (!r.values.empty()) x["values"] = r.values;
    out.push_back(x);
  }
  return out;
}

json node_selector_term(const NodeSelectorTerm& t) {
  json j = json::object();
  if (!t.match_expressions.empty()) j["matchExpressions"] = node_requirements(t.match_expressions);
  if (!t.match_fields.empty()) j["matchFields"] = node_requirements(t.match_fields);
  return j;
}

json node_affinity(const NodeAffinity& a) {
  json j = json::object();
  if (a.required) {
    json terms = json::array();
    for (const auto& t : *a.required) terms.push_back(node_selector_term(t));
    j["requiredDuringSchedulingIgnoredDuringExecution"] = {{"nodeSelectorTerms", terms}};
  }
  if (!a.preferred.empty()) {
    json list = json::array();
    for (const auto& p : a.preferred)
      list.push_back({{"weight", p.weight}, {"preference", node_selector_term(p.preference)}});
    j["preferredDuringSchedulingIgnoredDuringExecution"] = list;
  }
  return j;
}

json pod_affinity_term(const PodAffinityTerm& t) {
  json j{{"topologyKey", t.topology_key}};
  if (t.label_selector) j["labelSelector"] = selector_json(*t.label_selector);
  if (!t.namespaces.empty()) j["namespaces"] = t.namespaces;
  if (t.namespace_selector) j["namespaceSelector"] = selector_json(*t.namespace_selector);
  return j;
}

json pod_affinity(const PodAffinity& a) {
  json j = json::object();
  if (!a.required.empty()) {
    json list = json::array();
    for (const auto& t : a.required) list.push_back(pod_affinity_term(t));
    j["requiredDuringSchedulingIgnoredDuringExecution"] = list;
  }
  if (!a.preferred.empty()) {
    json list = json::array();
    for (const auto& w : a.preferred) list.push_back({{"weight", w.weight}, {"podAffinityTerm", pod_affinity_term(w.term)}});
    j["preferredDuringSchedulingIgnoredDuringExecution"] = list;
  }
  return j;
}

json toleration(const Toleration& t) {
  json j = json::object();
  if (!t.key.empty()) j["key"] = t.key;
  if (!t.op.empty()) j["operator"] = t.op;
  if (!t.value.empty()) j["value"] = t.value;
  if (!t.effect.empty()) j["effect"] = t.effect;
  if (t.toleration_seconds) j["tolerationSeconds"] = *t.toleration_seconds;
  return j;
}

json spread_constraint(const TopologySpreadConstraint& c) {
  json j{{"maxSkew", c.max_skew}, {"topologyKey", c.topology_key}, {"whenUnsatisfiable", c.when_unsatisfiable}};
  if (c.label_selector) j["labelSelector"] = selector_json(*c.label_selector);
  if (c.min_domains) j["minDomains"] = *c.min_domains;
  if (!c.node_affinity_policy.empty()) j["nodeAffinityPolicy"] = c.node_affinity_policy;
  if (!c.node_taints_policy.empty()) j["nodeTaintsPolicy"] = c.node_taints_policy;
  if (!c.match_label_keys.empty()) j["matchLabelKeys"] = c.match_label_keys;
  return j;
}

}  // namespace

json selector_json(const LabelSelector& s) {
  json j = json::object();
  if (!s.match_labels.empty()) j["matchLabels"] = s.match_labels;
  if (s.match_expressions.empty()) return j;
  json list = json::array();
  for (const auto& r : s.match_expressions) {
    json x{{"key", r.key}, {"operator", r.op}};
    if (!r.values.empty()) x["values"] = r.values;
    list.push_back(x);
  }
  j["matchExpressions"] = list;
  return j;
}

void put_scheduling(json& spec, const PodSpec& s) {
  if (!s.node_selector.empty()) spec["nodeSelector"] = s.node_selector;
  if (!s.node_name.empty()) spec["nodeName"] = s.node_name;
  if (!s.scheduler_name.empty()) spec["schedulerName"] = s.scheduler_name;
  if (s.affinity) {
    json a = json::object();
    if (s.affinity->node_affinity) a["nodeAffinity"] = node_affinity(*s.affinity->node_affinity);
    if (s.affinity->pod_affinity) a["podAffinity"] = pod_affinity(*s.affinity->pod_affinity);
    if (s.affinity->pod_anti_affinity) a["podAntiAffinity"] = pod_affinity(*s.affinity->pod_anti_affinity);
    spec["affinity"] = a;
  }
  if (!s.tolerations.empty()) {
    json list = json::array();
    for (const auto& t : s.tolerations) list.push_back(toleration(t));
    spec["tolerations"] = list;
  }
  if (!s.topology_spread_constraints.empty()) {
    json list = json::array();
    for (const auto& c : s.topology_spread_constraints) list.push_back(spread_constraint(c));
    spec["topologySpreadConstraints"] = list;
  }
}

}  // namespace podctl::manifest
