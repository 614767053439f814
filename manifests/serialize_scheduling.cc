// Label selectors and a pod's scheduling fields → Kubernetes-shaped JSON.
#include "manifests/serialize.h"
#include "manifests/serialize_internal.h"

namespace podctl::manifest {
namespace {

using detail::put;
using detail::put_list;
using detail::requirement_json;
using nlohmann::json;

json node_selector_term(const NodeSelectorTerm& t) {
  json j = json::object();
  put_list(j, "matchExpressions", t.match_expressions, requirement_json<NodeSelectorRequirement>);
  put_list(j, "matchFields", t.match_fields, requirement_json<NodeSelectorRequirement>);
  return j;
}

json node_affinity(const NodeAffinity& a) {
  json j = json::object();
  if (a.required) {
    json terms = json::array();
    for (const auto& t : *a.required) terms.push_back(node_selector_term(t));
    j["requiredDuringSchedulingIgnoredDuringExecution"] = {{"nodeSelectorTerms", terms}};
  }
  put_list(j, "preferredDuringSchedulingIgnoredDuringExecution", a.preferred, [](const PreferredSchedulingTerm& p) {
    return json{{"weight", p.weight}, {"preference", node_selector_term(p.preference)}};
  });
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
  put_list(j, "requiredDuringSchedulingIgnoredDuringExecution", a.required, pod_affinity_term);
  put_list(j, "preferredDuringSchedulingIgnoredDuringExecution", a.preferred, [](const WeightedPodAffinityTerm& w) {
    return json{{"weight", w.weight}, {"podAffinityTerm", pod_affinity_term(w.term)}};
  });
  return j;
}

json toleration(const Toleration& t) {
  json j = json::object();
  put(j, "key", t.key);
  put(j, "operator", t.op);
  put(j, "value", t.value);
  put(j, "effect", t.effect);
  put(j, "tolerationSeconds", t.toleration_seconds);
  return j;
}

json spread_constraint(const TopologySpreadConstraint& c) {
  json j{{"maxSkew", c.max_skew}, {"topologyKey", c.topology_key}, {"whenUnsatisfiable", c.when_unsatisfiable}};
  if (c.label_selector) j["labelSelector"] = selector_json(*c.label_selector);
  put(j, "minDomains", c.min_domains);
  put(j, "nodeAffinityPolicy", c.node_affinity_policy);
  put(j, "nodeTaintsPolicy", c.node_taints_policy);
  if (!c.match_label_keys.empty()) j["matchLabelKeys"] = c.match_label_keys;
  return j;
}

}  // namespace

json selector_json(const LabelSelector& s) {
  json j = json::object();
  if (!s.match_labels.empty()) j["matchLabels"] = s.match_labels;
  put_list(j, "matchExpressions", s.match_expressions, requirement_json<LabelSelectorRequirement>);
  return j;
}

void put_scheduling(json& spec, const PodSpec& s) {
  if (!s.node_selector.empty()) spec["nodeSelector"] = s.node_selector;
  put(spec, "nodeName", s.node_name);
  put(spec, "schedulerName", s.scheduler_name);
  if (s.affinity) {
    json a = json::object();
    if (s.affinity->node_affinity) a["nodeAffinity"] = node_affinity(*s.affinity->node_affinity);
    if (s.affinity->pod_affinity) a["podAffinity"] = pod_affinity(*s.affinity->pod_affinity);
    if (s.affinity->pod_anti_affinity) a["podAntiAffinity"] = pod_affinity(*s.affinity->pod_anti_affinity);
    spec["affinity"] = a;
  }
  put_list(spec, "tolerations", s.tolerations, toleration);
  put_list(spec, "topologySpreadConstraints", s.topology_spread_constraints, spread_constraint);
}

}  // namespace podctl::manifest
