// The pod's phase and its Initialized condition, as the kubelet's getPhase computes them.
#include "orchestrator/plan/plan_internal.h"

namespace podctl::plan {
namespace {

bool succeeded(const ObservedContainer& c) {
  return c.state == RunState::Exited && c.exit_code == 0 && !c.create_error;
}
bool running_and_started(const ObservedContainer& c) { return c.state == RunState::Running && c.started; }

}  // namespace

bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed) {
  if (observed.initialized_once) return true;
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i) ? !running_and_started(c) : !succeeded(c)) return false;
  }
  return true;
}

PodPhase pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed) {
  const auto policy = manifest::restart_policy_of(spec);
  const size_t init_count = std::min(spec.init_containers.size(), observed.containers.size());
  for (size_t i = 0; i < init_count; ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i) || observed.initialized_once) continue;
    if (c.state == RunState::Exited && c.exit_code != 0 && !c.create_error &&
        (policy == manifest::RestartPolicy::Never || observed.deleted))
      return PodPhase::Failed;
  }
  if (!initialized(spec, observed)) return PodPhase::Pending;
  int waiting = 0, running_count = 0, stopped = 0, succeeded_count = 0;
  for (size_t i = init_count; i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (c.state == RunState::NotStarted || c.create_error)
      ++waiting;
    else if (c.state == RunState::Running)
      ++running_count;
    else {
      ++stopped;  // also while waiting in CrashLoopBackOff: it has a last termination state
      if (c.exit_code == 0) ++succeeded_count;
    }
  }
  if (waiting > 0) return PodPhase::Pending;
  if (running_count > 0) return PodPhase::Running;
  if (stopped == 0) return PodPhase::Pending;
  if (policy == manifest::RestartPolicy::Always && !observed.deleted) return PodPhase::Running;
  if (stopped == succeeded_count) return PodPhase::Succeeded;
  if (policy == manifest::RestartPolicy::Never || observed.deleted) return PodPhase::Failed;
  return PodPhase::Running;
}

}  // namespace podctl::plan
