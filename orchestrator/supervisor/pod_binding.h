// podctl - binding a pod to the node, as the scheduler would (or refusing it, as the kubelet's
// admission would). The decision is plan::schedule's; this gathers its inputs (the node, the pods
// already bound, namespaces' labels) and records the binding, both under ROOT/scheduler.lock so
// that two pods never take the same free memory.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/error.h"
#include "manifests/pod_spec.h"
#include "orchestrator/plan/scheduling.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

// What status.json keeps under "binding" once a pod is bound: what other pods' scheduling needs.
struct Binding {
  std::string node;
  manifest::ResourceAmounts requests;
  bool anti_affinity = false;  // the pod has required podAntiAffinity terms (read from its spec)
};

nlohmann::json to_json(const Binding& b);
std::optional<Binding> binding_in(const nlohmann::json& status_document);
Binding binding_of(const manifest::Pod& pod);

// Decides where `pod` goes. On Bind, `record` runs while the lock is still held: it must make
// the binding visible (status.json) before another pod is scheduled.
Result<plan::SchedulingDecision> place_pod(const RootPaths& root, const manifest::Pod& pod, const std::string& self_uid,
                                           const std::function<Status()>& record);

}  // namespace podctl
