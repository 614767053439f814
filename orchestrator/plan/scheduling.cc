#include "orchestrator/plan/scheduling.h"

#include <algorithm>
#include <set>

#include "manifests/label_selector.h"

namespace podctl::plan {
namespace {

using manifest::LabelSelector;
using manifest::NodeSelectorRequirement;
using manifest::NodeSelectorTerm;
using manifest::PodAffinityTerm;
using Labels = std::map<std::string, std::string>;

constexpr const char* kNoVictims = "No preemption victims found for incoming pod.";
constexpr const char* kNotHelpful = "Preemption is not helpful for scheduling.";

std::optional<int64_t> integer(const std::string& s) {
  try {
    size_t used = 0;
    int64_t v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

bool listed(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool label_requirement_matches(const NodeSelectorRequirement& r, const Labels& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  if (r.op == "In") return has && listed(r.values, it->second);
  if (r.op == "NotIn") return !has || !listed(r.values, it->second);
  if (r.op == "Exists") return has;
  if (r.op == "DoesNotExist") return !has;
  if ((r.op == "Gt" || r.op == "Lt") && has && r.values.size() == 1) {
    auto mine = integer(it->second), theirs = integer(r.values[0]);
    if (!mine || !theirs) return false;
    return r.op == "Gt" ? *mine > *theirs : *mine < *theirs;
  }
  return false;
}

// A null or empty term matches no node (nodeaffinity.NewNodeSelector).
bool term_matches(const NodeSelectorTerm& t, const NodeInfo& node) {
  if (t.match_expressions.empty() && t.match_fields.empty()) return false;
  for (const auto& r : t.match_expressions)
    if (!label_requirement_matches(r, node.labels)) return false;
  for (const auto& r : t.match_fields) {
    bool in = listed(r.values, node.name);
    if (r.op == "In" ? !in : in) return false;
  }
  return true;
}

bool node_affinity_matches(const manifest::PodSpec& spec, const NodeInfo& node) {
  for (const auto& [k, v] : spec.node_selector) {
    auto it = node.labels.find(k);
    if (it == node.labels.end() || it->second != v) return false;
  }
  if (!spec.affinity || !spec.affinity->node_affinity || !spec.affinity->node_affinity->required) return true;
  for (const auto& term : *spec.affinity->node_affinity->required)
    if (term_matches(term, node)) return true;
  return false;
}

struct Shortfall {
  std::string resource;
  int64_t requested = 0, used = 0, capacity = 0;
};

std::vector<Shortfall> shortfalls(const manifest::ResourceAmounts& requests, const NodeInfo& node,
                                  const std::vector<BoundPod>& bound) {
  std::vector<Shortfall> out;
  for (const auto& [resource, amount] : requests) {
    if (amount <= 0) continue;
    int64_t used = 0;
    for (const auto& p : bound)
      if (auto it = p.requests.find(resource); it != p.requests.end()) used += it->second;
    auto cap = node.allocatable.find(resource);
    int64_t capacity = cap == node.allocatable.end() ? 0 : cap->second;
    if (amount > capacity - used) out.push_back({resource, amount, used, capacity});
  }
  return out;
}

bool in_term_namespaces(const PodAffinityTerm& term, const std::string& owner_ns, const std::string& ns,
                        const NamespaceLabels& namespace_labels) {
  if (term.namespaces.empty() && !term.namespace_selector) return ns == owner_ns;
  if (listed(term.namespaces, ns)) return true;
  return term.namespace_selector && manifest::selector_matches(*term.namespace_selector, namespace_labels(ns));
}

// Whether a pod (labels, namespace) is one the term of a pod in `owner_ns` refers to.
bool term_selects(const PodAffinityTerm& term, const std::string& owner_ns, const std::string& ns,
                  const Labels& labels, const NamespaceLabels& namespace_labels) {
  if (!term.label_selector) return false;
  return in_term_namespaces(term, owner_ns, ns, namespace_labels) &&
         manifest::selector_matches(*term.label_selector, labels);
}

std::string unschedulable_message(const std::vector<std::string>& reasons, bool resources) {
  std::vector<std::string> sorted = reasons;
  std::sort(sorted.begin(), sorted.end());
  std::string text = "0/1 nodes are available: ";
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) text += ", ";
    text += "1 " + sorted[i];
  }
  return text + ". preemption: 0/1 nodes are available: 1 " + (resources ? kNoVictims : kNotHelpful);
}

SchedulingDecision unschedulable(const std::vector<std::string>& reasons, bool resources = false) {
  return {Placement::Unschedulable, "Unschedulable", unschedulable_message(reasons, resources)};
}

std::optional<std::string> inter_pod_affinity_failure(const manifest::Pod& pod, const NodeInfo& node,
                                                      const std::vector<BoundPod>& bound,
                                                      const NamespaceLabels& ns_labels) {
  const std::string& ns = pod.metadata.namespace_;
  for (const auto& other : bound)
    for (const auto& term : other.anti_affinity)
      if (node.labels.count(term.topology_key) && term_selects(term, other.ns, ns, pod.metadata.labels, ns_labels))
        return "node(s) didn't satisfy existing pods anti-affinity rules";
  const auto& affinity = pod.spec.affinity;
  if (affinity && affinity->pod_affinity && !affinity->pod_affinity->required.empty()) {
    bool all_found = true, any_found = false, matches_itself = true;
    for (const auto& term : affinity->pod_affinity->required) {
      bool found = false;
      for (const auto& other : bound) found |= term_selects(term, ns, other.ns, other.labels, ns_labels);
      any_found |= found;
      all_found &= found && node.labels.count(term.topology_key) > 0;
      matches_itself &= term_selects(term, ns, ns, pod.metadata.labels, ns_labels);
    }
    // The first pod of a group that wants to be with its own kind may start alone.
    if (!all_found && !(!any_found && matches_itself)) return "node(s) didn't match pod affinity rules";
  }
  if (affinity && affinity->pod_anti_affinity)
    for (const auto& term : affinity->pod_anti_affinity->required) {
      if (!node.labels.count(term.topology_key)) continue;
      for (const auto& other : bound)
        if (term_selects(term, ns, other.ns, other.labels, ns_labels)) return "node(s) didn't match pod anti-affinity rules";
    }
  return std::nullopt;
}

// With one node there is one domain per key: the skew only grows past maxSkew when minDomains
// asks for more domains than exist (the global minimum is then 0).
std::optional<std::string> spread_failure(const manifest::Pod& pod, const NodeInfo& node,
                                          const std::vector<BoundPod>& bound) {
  for (const auto& c : pod.spec.topology_spread_constraints) {
    if (c.when_unsatisfiable != "DoNotSchedule") continue;
    if (!node.labels.count(c.topology_key))
      return "node(s) didn't match pod topology spread constraints (missing required label)";
    if (!c.label_selector) continue;
    LabelSelector selector = *c.label_selector;
    for (const auto& key : c.match_label_keys)
      if (auto it = pod.metadata.labels.find(key); it != pod.metadata.labels.end())
        selector.match_expressions.push_back({key, "In", {it->second}});
    int64_t count = 0;
    for (const auto& other : bound)
      if (other.ns == pod.metadata.namespace_ && manifest::selector_matches(selector, other.labels)) ++count;
    int64_t self = manifest::selector_matches(selector, pod.metadata.labels) ? 1 : 0;
    int64_t min_match = c.min_domains && *c.min_domains > 1 ? 0 : count;
    if (count + self - min_match > c.max_skew) return "node(s) didn't match pod topology spread constraints";
  }
  return std::nullopt;
}

std::string quantity_text(const std::string& resource, int64_t milli) {
  return resource == "cpu" ? std::to_string(milli) + "m" : std::to_string(milli / 1000);
}

// The kubelet's admission of a pod bound to it by name (lifecycle.PredicateAdmitHandler).
SchedulingDecision admit(const manifest::Pod& pod, const NodeInfo& node, const std::vector<BoundPod>& bound) {
  if (!node_affinity_matches(pod.spec, node))
    return {Placement::Rejected, "NodeAffinity", "Pod was rejected: Predicate NodeAffinity failed"};
  auto missing = shortfalls(manifest::pod_requests(pod.spec), node, bound);
  if (missing.empty()) return {};
  const Shortfall& s = missing.front();
  return {Placement::Rejected, "OutOf" + s.resource,
          "Pod was rejected: Node didn't have enough resource: " + s.resource +
              ", requested: " + quantity_text(s.resource, s.requested) + ", used: " + quantity_text(s.resource, s.used) +
              ", capacity: " + quantity_text(s.resource, s.capacity)};
}

}  // namespace

NodeInfo this_node(const std::string& machine_arch, int64_t cpus, int64_t memory_bytes) {
  static const std::map<std::string, std::string> kGoArch = {
      {"x86_64", "amd64"}, {"aarch64", "arm64"}, {"armv7l", "arm"},       {"armv6l", "arm"},
      {"i686", "386"},     {"i386", "386"},      {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
      {"riscv64", "riscv64"}};
  auto arch = kGoArch.count(machine_arch) ? kGoArch.at(machine_arch) : machine_arch;
  NodeInfo node;
  node.labels = {{"kubernetes.io/hostname", node.name}, {"kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", arch},          {"beta.kubernetes.io/os", "linux"},
                 {"beta.kubernetes.io/arch", arch}};
  constexpr int64_t kEvictionThreshold = 100LL << 20;  // the kubelet's memory.available<100Mi
  node.allocatable["cpu"] = cpus * 1000;
  node.allocatable["memory"] = std::max<int64_t>(memory_bytes - kEvictionThreshold, 0) * 1000;
  return node;
}

bool needs_bound_pods(const manifest::Pod& pod) {
  if (!manifest::pod_requests(pod.spec).empty()) return true;
  if (!pod.spec.topology_spread_constraints.empty()) return true;
  const auto& a = pod.spec.affinity;
  return a && ((a->pod_affinity && !a->pod_affinity->required.empty()) ||
               (a->pod_anti_affinity && !a->pod_anti_affinity->required.empty()));
}

BoundPod bound_pod_of(const manifest::Pod& pod) {
  BoundPod b{pod.metadata.namespace_, pod.metadata.name, pod.metadata.labels, manifest::pod_requests(pod.spec), {}};
  if (pod.spec.affinity && pod.spec.affinity->pod_anti_affinity) b.anti_affinity = pod.spec.affinity->pod_anti_affinity->required;
  return b;
}

SchedulingDecision schedule(const manifest::Pod& pod, const NodeInfo& node, const std::vector<BoundPod>& bound,
                            const NamespaceLabels& namespace_labels) {
  const auto& spec = pod.spec;
  if (!spec.node_name.empty()) {
    if (spec.node_name != node.name)
      return {Placement::NotOurs, "", "spec.nodeName is \"" + spec.node_name + "\"; this node is \"" + node.name + "\""};
    return admit(pod, node, bound);
  }
  if (!spec.scheduler_name.empty() && spec.scheduler_name != "default-scheduler")
    return {Placement::NotOurs, "", "no scheduler named \"" + spec.scheduler_name + "\" runs here"};
  // The filters in the default profile's order; a node fails at the first that rejects it.
  if (!node_affinity_matches(spec, node)) return unschedulable({"node(s) didn't match Pod's node affinity/selector"});
  auto missing = shortfalls(manifest::pod_requests(spec), node, bound);
  if (!missing.empty()) {
    std::vector<std::string> reasons;
    for (const auto& s : missing) reasons.push_back("Insufficient " + s.resource);
    return unschedulable(reasons, true);
  }
  if (auto why = spread_failure(pod, node, bound)) return unschedulable({*why});
  if (auto why = inter_pod_affinity_failure(pod, node, bound, namespace_labels)) return unschedulable({*why});
  return {};
}

}  // namespace podctl::plan
