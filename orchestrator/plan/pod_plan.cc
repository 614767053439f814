#include "orchestrator/plan/pod_plan.h"

#include <algorithm>

namespace podctl::plan {

bool should_restart(const std::string& restart_policy, int exit_code) {
  if (restart_policy == "Always") return true;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return false;
}

PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now) {
  PodPlan plan;
  if (observed.terminating) return plan;
  for (size_t i = 0; i < spec.containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::Running) continue;
    if (c.state == ContainerState::NotStarted) {
      plan.start.push_back(i);
      continue;
    }
    if (!should_restart(spec.restart_policy, c.exit_code)) continue;
    if (in_backoff(c.backoff, policy, c.finished_at, now)) {
      Millis until = backoff_ends(*c.backoff, c.finished_at);
      plan.back_off_until[i] = until;
      plan.wake_at = plan.wake_at ? std::min(*plan.wake_at, until) : until;
      continue;
    }
    plan.start.push_back(i);
    plan.backoff_updates[i] = next_backoff(c.backoff, policy, c.finished_at, now);
  }
  return plan;
}

std::string pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed) {
  int waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const auto& c : observed.containers) {
    if (c.state == ContainerState::NotStarted) ++waiting;
    else if (c.state == ContainerState::Running) ++running;
    else {
      ++stopped;  // also while waiting in CrashLoopBackOff: it has a last termination state
      if (c.exit_code == 0) ++succeeded;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped == 0) return "Pending";
  // Once a deletion has stopped everything the phase is terminal (kubelet 1.27+).
  if (spec.restart_policy == "Always" && !observed.terminating) return "Running";
  if (stopped == succeeded) return "Succeeded";
  if (spec.restart_policy == "Never" || observed.terminating) return "Failed";
  return "Running";
}

std::string PodPlan::to_string() const {
  std::string s = "start=[";
  for (size_t i = 0; i < start.size(); ++i) s += (i ? "," : "") + std::to_string(start[i]);
  s += "] backoff=[";
  bool first = true;
  for (const auto& [i, until] : back_off_until) {
    s += (first ? "" : ",") + std::to_string(i) + "@" + std::to_string(until);
    first = false;
  }
  s += "]";
  if (wake_at) s += " wake_at=" + std::to_string(*wake_at);
  return s;
}

}  // namespace podctl::plan
