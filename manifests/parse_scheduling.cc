// The scheduling fields of a pod spec: nodeName, nodeSelector, schedulerName, affinity,
// tolerations, topologySpreadConstraints; and label selectors, which they share with workloads.
#include "manifests/parse_internal.h"

namespace podctl::manifest {
namespace {

template <class T, class F>
void read_each(MapReader& r, const char* key, std::vector<T>& out, F&& fn) {
  r.list(key, [&](const YAML::Node& node, const std::string& path) {
    MapReader item(r.context(), node, path);
    T value{};
    fn(item, value);
    item.finish();
    out.push_back(std::move(value));
  });
}

void read_node_requirements(MapReader& r, const char* key, std::vector<NodeSelectorRequirement>& out) {
  read_each(r, key, out, [](MapReader& e, NodeSelectorRequirement& req) {
    e.string("key", req.key, true);
    e.string("operator", req.op, true);
    e.string_list("values", req.values);
  });
}

void read_node_selector_term(MapReader& t, NodeSelectorTerm& term) {
  read_node_requirements(t, "matchExpressions", term.match_expressions);
  read_node_requirements(t, "matchFields", term.match_fields);
}

void read_node_affinity(MapReader& n, NodeAffinity& a) {
  n.object("requiredDuringSchedulingIgnoredDuringExecution", [&](MapReader& r) {
    auto& terms = a.required.emplace();
    read_each(r, "nodeSelectorTerms", terms, read_node_selector_term);
    if (!r.has("nodeSelectorTerms")) r.missing("nodeSelectorTerms");
  });
  read_each(n, "preferredDuringSchedulingIgnoredDuringExecution", a.preferred,
            [](MapReader& p, PreferredSchedulingTerm& term) {
              p.integer("weight", term.weight, true);
              p.object(
                  "preference", [&](MapReader& t) { read_node_selector_term(t, term.preference); }, true);
            });
}

void read_pod_affinity_term(MapReader& t, PodAffinityTerm& term) {
  t.object("labelSelector", [&](MapReader& s) { read_label_selector(s, term.label_selector.emplace()); });
  t.string_list("namespaces", term.namespaces);
  t.object("namespaceSelector", [&](MapReader& s) { read_label_selector(s, term.namespace_selector.emplace()); });
  t.string("topologyKey", term.topology_key, true);
  t.unsupported({"matchLabelKeys", "mismatchLabelKeys"});
}

void read_pod_affinity(MapReader& p, PodAffinity& a) {
  read_each(p, "requiredDuringSchedulingIgnoredDuringExecution", a.required, read_pod_affinity_term);
  read_each(p, "preferredDuringSchedulingIgnoredDuringExecution", a.preferred,
            [](MapReader& w, WeightedPodAffinityTerm& term) {
              w.integer("weight", term.weight, true);
              w.object(
                  "podAffinityTerm", [&](MapReader& t) { read_pod_affinity_term(t, term.term); }, true);
            });
}

}  // namespace

void read_label_selector(MapReader& s, LabelSelector& out) {
  s.string_map("matchLabels", out.match_labels);
  read_each(s, "matchExpressions", out.match_expressions, [](MapReader& e, LabelSelectorRequirement& req) {
    e.string("key", req.key, true);
    e.string("operator", req.op, true);
    e.string_list("values", req.values);
  });
}

void read_scheduling(MapReader& m, PodSpec& spec) {
  m.string_map("nodeSelector", spec.node_selector);
  m.string("nodeName", spec.node_name);
  m.string("schedulerName", spec.scheduler_name);
  m.object("affinity", [&](MapReader& a) {
    auto& affinity = spec.affinity.emplace();
    a.object("nodeAffinity", [&](MapReader& n) { read_node_affinity(n, affinity.node_affinity.emplace()); });
    a.object("podAffinity", [&](MapReader& p) { read_pod_affinity(p, affinity.pod_affinity.emplace()); });
    a.object("podAntiAffinity", [&](MapReader& p) { read_pod_affinity(p, affinity.pod_anti_affinity.emplace()); });
  });
  read_each(m, "tolerations", spec.tolerations, [](MapReader& t, Toleration& tol) {
    t.string("key", tol.key);
    t.string("operator", tol.op);
    t.string("value", tol.value);
    t.string("effect", tol.effect);
    t.integer("tolerationSeconds", tol.toleration_seconds);
  });
  read_each(m, "topologySpreadConstraints", spec.topology_spread_constraints,
            [](MapReader& t, TopologySpreadConstraint& c) {
              t.integer("maxSkew", c.max_skew, true);
              t.string("topologyKey", c.topology_key, true);
              t.string("whenUnsatisfiable", c.when_unsatisfiable, true);
              t.object("labelSelector", [&](MapReader& s) { read_label_selector(s, c.label_selector.emplace()); });
              t.integer("minDomains", c.min_domains);
              t.string("nodeAffinityPolicy", c.node_affinity_policy);
              t.string("nodeTaintsPolicy", c.node_taints_policy);
              t.string_list("matchLabelKeys", c.match_label_keys);
            });
}

}  // namespace podctl::manifest
