#include "orchestrator/supervisor/pod_binding.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "base/file_lock.h"
#include "base/files.h"
#include "orchestrator/container/pod_facts.h"
#include "orchestrator/store/object_store.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {
namespace {

using nlohmann::json;

plan::NodeInfo node_of_this_machine() {
  utsname u{};
  ::uname(&u);
  return plan::this_node(u.machine, ::sysconf(_SC_NPROCESSORS_ONLN), machine_memory_bytes());
}

bool has_ended(const PodRecord& r) {
  if (!r.status.is_object() || !r.status.contains("status")) return false;
  std::string phase = r.status["status"].value("phase", "");
  return phase == "Succeeded" || phase == "Failed";
}

// The pods bound to the node that have not ended, but this one.
Result<std::vector<plan::BoundPod>> bound_pods(const RootPaths& root, const std::string& self_uid) {
  std::vector<plan::BoundPod> out;
  std::vector<PodRecord> records;
  PODCTL_ASSIGN_OR_RETURN(records, list_pod_records(root, ""));
  for (const auto& r : records) {
    if (r.uid == self_uid || has_ended(r)) continue;
    auto binding = binding_in(r.status);
    if (!binding) continue;
    plan::BoundPod b{r.ns, r.name, {}, binding->requests, {}};
    const json meta = r.spec.value("metadata", json::object());
    b.labels = meta.value("labels", std::map<std::string, std::string>{});
    if (binding->anti_affinity) {
      // Rare: only these pods' specs are read in full.
      if (auto spec = read_stored_spec(r.paths, r.ns); spec) b.anti_affinity = plan::bound_pod_of(*spec).anti_affinity;
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::map<std::string, std::string> namespace_labels(const RootPaths& root, const std::string& ns) {
  std::map<std::string, std::string> labels;
  if (auto object = get_object(root, "namespaces", "", ns)) {
    const json meta = object->value("metadata", json::object());
    labels = meta.value("labels", labels);
  }
  labels["kubernetes.io/metadata.name"] = ns;
  return labels;
}

}  // namespace

json to_json(const Binding& b) {
  json j{{"node", b.node}, {"requests", b.requests}};
  if (b.anti_affinity) j["antiAffinity"] = true;
  return j;
}

std::optional<Binding> binding_in(const json& status_document) {
  if (!status_document.is_object()) return std::nullopt;
  auto it = status_document.find("binding");
  if (it == status_document.end() || !it->is_object()) return std::nullopt;
  Binding b;
  b.node = it->value("node", "");
  if (auto r = it->find("requests"); r != it->end() && r->is_object())
    for (const auto& [name, amount] : r->items())
      if (amount.is_number_integer()) b.requests[name] = amount.get<int64_t>();
  b.anti_affinity = it->value("antiAffinity", false);
  return b;
}

Binding binding_of(const manifest::Pod& pod) {
  plan::BoundPod bound = plan::bound_pod_of(pod);
  return Binding{plan::kNodeName, bound.requests, !bound.anti_affinity.empty()};
}

Result<plan::SchedulingDecision> place_pod(const RootPaths& root, const manifest::Pod& pod, const std::string& self_uid,
                                           const std::function<Status()>& record) {
  auto lock = FileLock::acquire(root.scheduler_lock());
  if (!lock) return fail(lock.error());
  // Most pods ask for nothing that depends on other pods: while no bound pod keeps others away
  // (its entry in anti_affinity_dir), they are placed without reading any other pod.
  std::vector<plan::BoundPod> bound;
  std::vector<std::string> keeping_away;
  PODCTL_ASSIGN_OR_RETURN(keeping_away, list_dir(root.anti_affinity_dir()));
  if (plan::needs_bound_pods(pod) || !keeping_away.empty()) {
    PODCTL_ASSIGN_OR_RETURN(bound, bound_pods(root, self_uid));
  }
  auto decision = plan::schedule(pod, node_of_this_machine(), bound,
                                 [&](const std::string& ns) { return namespace_labels(root, ns); });
  if (decision.placement != plan::Placement::Bind) return decision;
  if (binding_of(pod).anti_affinity) {
    PODCTL_TRY(make_dirs(root.anti_affinity_dir(), 0700));
    PODCTL_TRY(write_runtime_file(root.anti_affinity_dir() + "/" + store_name(self_uid), pod.metadata.namespace_ + "/" + pod.metadata.name + "\n"));
  }
  PODCTL_TRY(record());
  return decision;
}

}  // namespace podctl
