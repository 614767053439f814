#include "orchestrator/plan/pod_plan.h"

#include <algorithm>

namespace podctl::plan {

bool should_restart(const std::string& restart_policy, int exit_code) {
  if (restart_policy == "Always") return true;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return false;
}

namespace {

// Restart an exited container now, or hold it in CrashLoopBackOff until its window ends.
void restart_or_hold(PodPlan& plan, size_t i, const ObservedContainer& c, const BackoffPolicy& policy, Millis now) {
  if (in_backoff(c.backoff, policy, c.finished_at, now)) {
    Millis until = backoff_ends(*c.backoff, c.finished_at);
    plan.back_off_until[i] = until;
    plan.wake_at = plan.wake_at ? std::min(*plan.wake_at, until) : until;
    return;
  }
  plan.start.push_back(i);
  plan.backoff_updates[i] = next_backoff(c.backoff, policy, c.finished_at, now);
}

bool succeeded(const ObservedContainer& c) { return c.state == ContainerState::Exited && c.exit_code == 0; }

}  // namespace

bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed) {
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i)
    if (!succeeded(observed.containers[i])) return false;
  return true;
}

PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now) {
  PodPlan plan;
  if (observed.terminating) return plan;
  const size_t init_count = spec.init_containers.size();
  for (size_t i = 0; i < init_count && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (succeeded(c)) continue;
    if (c.state == ContainerState::NotStarted) plan.start.push_back(i);
    else if (c.state == ContainerState::Exited && spec.restart_policy != "Never")
      restart_or_hold(plan, i, c, policy, now);
    return plan;  // the first init container that has not succeeded decides; nothing after it runs
  }
  for (size_t k = 0; k < spec.containers.size() && init_count + k < observed.containers.size(); ++k) {
    size_t i = init_count + k;
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::Running) continue;
    if (c.state == ContainerState::NotStarted) {
      plan.start.push_back(i);
      continue;
    }
    if (should_restart(spec.restart_policy, c.exit_code)) restart_or_hold(plan, i, c, policy, now);
  }
  return plan;
}

std::string pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed) {
  const size_t init_count = std::min(spec.init_containers.size(), observed.containers.size());
  for (size_t i = 0; i < init_count; ++i) {
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::Exited && c.exit_code != 0 && (spec.restart_policy == "Never" || observed.terminating))
      return "Failed";
  }
  if (!initialized(spec, observed)) return "Pending";
  int waiting = 0, running = 0, stopped = 0, succeeded_count = 0;
  for (size_t i = init_count; i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::NotStarted) ++waiting;
    else if (c.state == ContainerState::Running) ++running;
    else {
      ++stopped;  // also while waiting in CrashLoopBackOff: it has a last termination state
      if (c.exit_code == 0) ++succeeded_count;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped == 0) return "Pending";
  // Once a deletion has stopped everything the phase is terminal (kubelet 1.27+).
  if (spec.restart_policy == "Always" && !observed.terminating) return "Running";
  if (stopped == succeeded_count) return "Succeeded";
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
