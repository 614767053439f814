// The scheduling fields' checks, after the API server's (validateAffinity, validateTolerations,
// validateTopologySpreadConstraints), and label selectors' (ValidateLabelSelector).
#include <set>

#include "manifests/names.h"
#include "manifests/validator.h"

namespace podctl::manifest::detail {
namespace {

bool is_integer(const std::string& s) {
  size_t start = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (s.size() == start) return false;
  for (size_t i = start; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

void Validator::label_selector(const std::string& path, const LabelSelector& s) {
  for (const auto& [k, val] : s.match_labels) {
    check(path + ".matchLabels." + k, k, check_qualified_name(k));
    check(path + ".matchLabels." + k, val, check_label_value(val));
  }
  for (size_t i = 0; i < s.match_expressions.size(); ++i) {
    const auto& r = s.match_expressions[i];
    std::string p = idx(path + ".matchExpressions", i);
    check(p + ".key", r.key, check_qualified_name(r.key));
    one_of(p + ".operator", r.op, {"In", "NotIn", "Exists", "DoesNotExist"});
    bool needs_values = r.op == "In" || r.op == "NotIn";
    if (needs_values && r.values.empty()) add(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
    if (!needs_values && !r.values.empty())
      add(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  }
}

void Validator::node_selector_term(const std::string& path, const NodeSelectorTerm& term) {
  for (size_t i = 0; i < term.match_expressions.size(); ++i) {
    const auto& r = term.match_expressions[i];
    std::string p = idx(path + ".matchExpressions", i);
    check(p + ".key", r.key, check_qualified_name(r.key));
    one_of(p + ".operator", r.op, {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"});
    if ((r.op == "In" || r.op == "NotIn") && r.values.empty())
      add(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
    if ((r.op == "Exists" || r.op == "DoesNotExist") && !r.values.empty())
      add(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    if ((r.op == "Gt" || r.op == "Lt") && (r.values.size() != 1 || !is_integer(r.values[0])))
      add(p + ".values", "must be specified single value when `operator` is 'Lt' or 'Gt' (an integer)");
  }
  for (size_t i = 0; i < term.match_fields.size(); ++i) {
    const auto& r = term.match_fields[i];
    std::string p = idx(path + ".matchFields", i);
    if (r.key != "metadata.name") add(p + ".key", "Unsupported value: " + quoted(r.key) + ": supported values: \"metadata.name\"");
    one_of(p + ".operator", r.op, {"In", "NotIn"});
    if (r.values.size() != 1) add(p + ".values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
  }
}

void Validator::pod_affinity_term(const std::string& path, const PodAffinityTerm& t) {
  if (t.label_selector) label_selector(path + ".labelSelector", *t.label_selector);
  if (t.namespace_selector) label_selector(path + ".namespaceSelector", *t.namespace_selector);
  for (size_t i = 0; i < t.namespaces.size(); ++i)
    check(idx(path + ".namespaces", i), t.namespaces[i], check_dns1123_label(t.namespaces[i]));
  if (t.topology_key.empty())
    add(path + ".topologyKey", "can not be empty");
  else
    check(path + ".topologyKey", t.topology_key, check_qualified_name(t.topology_key));
}

void Validator::pod_affinity(const std::string& path, const PodAffinity& a) {
  std::string required = path + ".requiredDuringSchedulingIgnoredDuringExecution";
  for (size_t i = 0; i < a.required.size(); ++i) pod_affinity_term(idx(required, i), a.required[i]);
  std::string preferred = path + ".preferredDuringSchedulingIgnoredDuringExecution";
  for (size_t i = 0; i < a.preferred.size(); ++i) {
    range(idx(preferred, i) + ".weight", a.preferred[i].weight, 1, 100);
    pod_affinity_term(idx(preferred, i) + ".podAffinityTerm", a.preferred[i].term);
  }
}

void Validator::affinity(const Affinity& a) {
  if (a.node_affinity) {
    const auto& n = *a.node_affinity;
    std::string p = "spec.affinity.nodeAffinity";
    if (n.required) {
      std::string rp = p + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
      if (n.required->empty()) add(rp, "Required value: must have at least one node selector term");
      for (size_t i = 0; i < n.required->size(); ++i) node_selector_term(idx(rp, i), (*n.required)[i]);
    }
    for (size_t i = 0; i < n.preferred.size(); ++i) {
      std::string pp = idx(p + ".preferredDuringSchedulingIgnoredDuringExecution", i);
      range(pp + ".weight", n.preferred[i].weight, 1, 100);
      node_selector_term(pp + ".preference", n.preferred[i].preference);
    }
  }
  if (a.pod_affinity) pod_affinity("spec.affinity.podAffinity", *a.pod_affinity);
  if (a.pod_anti_affinity) pod_affinity("spec.affinity.podAntiAffinity", *a.pod_anti_affinity);
}

void Validator::tolerations(const std::vector<Toleration>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& t = list[i];
    std::string p = idx("spec.tolerations", i);
    if (!t.key.empty()) check(p + ".key", t.key, check_qualified_name(t.key));
    if (t.key.empty() && t.op != "Exists")
      add(p + ".operator", "Invalid value: " + quoted(t.op) +
                               ": operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
    // Gt and Lt compare a taint's integer value (TaintTolerationComparisonOperators, 1.35).
    one_of(p + ".operator", t.op, {"", "Equal", "Exists", "Gt", "Lt"});
    if (t.op == "Exists" && !t.value.empty())
      add(p + ".operator", "Invalid value: " + quoted(t.value) + ": value must be empty when `operator` is 'Exists'");
    else if ((t.op == "Gt" || t.op == "Lt") && !is_integer(t.value))
      add(p + ".value", "Invalid value: " + quoted(t.value) + ": must be an integer when `operator` is 'Gt' or 'Lt'");
    else if (!t.value.empty())
      check(p + ".value", t.value, check_label_value(t.value));
    one_of(p + ".effect", t.effect, {"", "NoSchedule", "PreferNoSchedule", "NoExecute"});
    if (t.toleration_seconds && t.effect != "NoExecute")
      add(p + ".effect", "Invalid value: " + quoted(t.effect) + ": effect must be 'NoExecute' when `tolerationSeconds` is set");
  }
}

void Validator::topology_spread(const std::vector<TopologySpreadConstraint>& list) {
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i];
    std::string p = idx("spec.topologySpreadConstraints", i);
    if (c.max_skew <= 0) add(p + ".maxSkew", std::to_string(c.max_skew) + ": must be greater than zero");
    if (c.topology_key.empty())
      add(p + ".topologyKey", "Required value: can not be empty");
    else
      check(p + ".topologyKey", c.topology_key, check_qualified_name(c.topology_key));
    one_of(p + ".whenUnsatisfiable", c.when_unsatisfiable, {"DoNotSchedule", "ScheduleAnyway"});
    if (!seen.insert({c.topology_key, c.when_unsatisfiable}).second)
      add(p + ".{topologyKey, whenUnsatisfiable}", "Duplicate value: {" + quoted(c.topology_key) + ", " +
                                                        quoted(c.when_unsatisfiable) + "}");
    if (c.min_domains && *c.min_domains <= 0)
      add(p + ".minDomains", std::to_string(*c.min_domains) + ": must be greater than zero");
    if (c.min_domains && c.when_unsatisfiable != "DoNotSchedule")
      add(p + ".minDomains", "can only use minDomains if whenUnsatisfiable=DoNotSchedule");
    one_of(p + ".nodeAffinityPolicy", c.node_affinity_policy, {"", "Honor", "Ignore"});
    one_of(p + ".nodeTaintsPolicy", c.node_taints_policy, {"", "Honor", "Ignore"});
    if (c.label_selector) label_selector(p + ".labelSelector", *c.label_selector);
    for (size_t j = 0; j < c.match_label_keys.size(); ++j)
      check(idx(p + ".matchLabelKeys", j), c.match_label_keys[j], check_qualified_name(c.match_label_keys[j]));
  }
}

void Validator::scheduling(const PodSpec& spec) {
  for (const auto& [k, val] : spec.node_selector) {
    check("spec.nodeSelector." + k, k, check_qualified_name(k));
    check("spec.nodeSelector." + k, val, check_label_value(val));
  }
  if (!spec.node_name.empty()) check("spec.nodeName", spec.node_name, check_dns1123_subdomain(spec.node_name));
  check("spec.schedulerName", spec.scheduler_name, check_dns1123_subdomain(spec.scheduler_name));
  if (spec.affinity) affinity(*spec.affinity);
  tolerations(spec.tolerations);
  topology_spread(spec.topology_spread_constraints);
}

}  // namespace podctl::manifest::detail
