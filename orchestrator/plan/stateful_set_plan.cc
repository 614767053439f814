#include "orchestrator/plan/stateful_set_plan.h"

namespace podctl::plan {
namespace {

bool running_and_ready(const OrdinalPod& p) { return p.phase == "Running" && p.ready && !p.terminating && !p.lost; }

}  // namespace

StatefulSetPlan plan_stateful_set(const StatefulSetSpec& spec, const std::map<int64_t, OrdinalPod>& pods) {
  StatefulSetPlan plan;
  bool blocked = false;  // OrderedReady: a pod that is not yet running and ready holds the ones after it
  bool busy = false;     // something is starting or stopping: no update this step
  for (const auto& [ordinal, p] : pods) {
    if (p.lost) {
      plan.clean_up.push_back(p.name);  // the same name comes back at the next step
      busy = true;
      continue;
    }
    if (!p.terminating) ++plan.replicas;
    plan.ready += running_and_ready(p);
    plan.updated += p.revision == spec.update_revision && !p.terminating;
    busy |= p.terminating || !running_and_ready(p);
  }
  plan.current = plan.replicas - plan.updated;
  for (int64_t i = 0; i < spec.replicas && !blocked; ++i) {
    auto it = pods.find(i);
    if (it == pods.end() || it->second.lost) {
      plan.create.push_back(i);
      blocked = !spec.parallel;
      busy = true;
      continue;
    }
    blocked = !spec.parallel && !running_and_ready(it->second);
  }
  // Scale down: the highest ordinal first; OrderedReady one at a time, once the rest is healthy.
  for (auto it = pods.rbegin(); it != pods.rend(); ++it) {
    const auto& [ordinal, p] = *it;
    if (ordinal < spec.replicas || p.terminating || p.lost) continue;
    if (!spec.parallel && (busy && !plan.remove.empty())) break;
    plan.remove.push_back(p.name);
    busy = true;
    if (!spec.parallel) break;
  }
  if (busy || spec.on_delete) return plan;
  // RollingUpdate: the highest ordinal at or above the partition that runs an old revision.
  for (auto it = pods.rbegin(); it != pods.rend(); ++it) {
    const auto& [ordinal, p] = *it;
    if (ordinal >= spec.replicas || ordinal < spec.partition) continue;
    if (p.revision != spec.update_revision) {
      plan.remove.push_back(p.name);
      break;
    }
  }
  return plan;
}

}  // namespace podctl::plan
