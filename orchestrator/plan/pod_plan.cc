#include "orchestrator/plan/pod_plan.h"

#include <algorithm>

namespace podctl::plan {

bool should_restart(const std::string& restart_policy, int exit_code) {
  if (restart_policy == "Always") return true;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return false;
}

bool is_sidecar(const manifest::PodSpec& spec, size_t index) {
  return index < spec.init_containers.size() && spec.init_containers[index].restart_policy == "Always";
}

namespace {

const manifest::Container& container_at(const manifest::PodSpec& spec, size_t i) {
  size_t init_count = spec.init_containers.size();
  return i < init_count ? spec.init_containers[i] : spec.containers[i - init_count];
}

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

bool succeeded(const ObservedContainer& c) {
  return c.state == ContainerState::Exited && c.exit_code == 0 && !c.create_error;
}

// Whether an exited container runs again: always after a creation error, else by the policy.
bool restarts(const manifest::PodSpec& spec, const ObservedContainer& c, bool sidecar) {
  return c.create_error || sidecar || should_restart(spec.restart_policy, c.exit_code);
}
bool running_and_started(const ObservedContainer& c) { return c.state == ContainerState::Running && c.started; }

// A failed startup probe, or a failed liveness probe once started, kills the container; the
// restart policy then decides (a sidecar is always restarted).
void plan_probe_kills(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed) {
  for (size_t i = 0; i < observed.containers.size(); ++i) {
    const auto& o = observed.containers[i];
    if (o.state != ContainerState::Running || o.stopping) continue;
    const manifest::Container& c = container_at(spec, i);
    const std::optional<manifest::Probe>* failed = nullptr;
    std::string kind;
    if (c.startup_probe && o.startup == ProbeResult::Failure) failed = &c.startup_probe, kind = "startup";
    else if (o.started && c.liveness_probe && o.liveness == ProbeResult::Failure) failed = &c.liveness_probe, kind = "liveness";
    if (!failed) continue;
    bool restart = spec.restart_policy != "Never" || is_sidecar(spec, i);
    plan.kill[i] = {kind == "startup" ? "StartupProbe" : "LivenessProbe",
                    "Container " + c.name + " failed " + kind + " probe" + (restart ? ", will be restarted" : ""),
                    (*failed)->termination_grace_period_seconds.value_or(spec.termination_grace_period_seconds)};
  }
}

// Before the pod is initialized: walk the init containers in order. Returns whether all of them
// are done (regular ones exited 0, sidecars started).
bool plan_init_containers(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed,
                          const BackoffPolicy& policy, Millis now) {
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i)) {
      if (running_and_started(c)) continue;
      if (c.state == ContainerState::NotStarted) plan.start.push_back(i);
      else if (c.state == ContainerState::Exited) restart_or_hold(plan, i, c, policy, now);
      return false;  // the next one waits until this sidecar has started
    }
    if (succeeded(c)) continue;
    if (c.state == ContainerState::NotStarted) plan.start.push_back(i);
    else if (c.state == ContainerState::Exited && (spec.restart_policy != "Never" || c.create_error))
      restart_or_hold(plan, i, c, policy, now);
    return false;  // nothing after an init container that has not succeeded runs
  }
  return true;
}

// keepCount: regular containers that run or will run again. At zero the sidecars are stopped.
size_t regular_containers_to_keep(const manifest::PodSpec& spec, const ObservedPod& observed) {
  size_t keep = 0;
  for (size_t i = spec.init_containers.size(); i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    keep += c.state != ContainerState::Exited || restarts(spec, c, false);
  }
  return keep;
}

}  // namespace

bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed) {
  if (observed.initialized_once) return true;
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i) ? !running_and_started(c) : !succeeded(c)) return false;
  }
  return true;
}

PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now) {
  PodPlan plan;
  if (observed.terminating) return plan;
  plan_probe_kills(plan, spec, observed);
  if (!observed.initialized_once && !plan_init_containers(plan, spec, observed, policy, now)) return plan;
  const size_t init_count = spec.init_containers.size();
  const bool finished = !spec.containers.empty() && regular_containers_to_keep(spec, observed) == 0;
  for (size_t i = 0; i < init_count && i < observed.containers.size(); ++i) {
    if (!is_sidecar(spec, i)) continue;
    const auto& c = observed.containers[i];
    if (finished) plan.stop_sidecars |= c.state == ContainerState::Running;
    else if (observed.initialized_once && c.state == ContainerState::NotStarted) plan.start.push_back(i);
    else if (observed.initialized_once && c.state == ContainerState::Exited) restart_or_hold(plan, i, c, policy, now);
  }
  for (size_t k = 0; k < spec.containers.size() && init_count + k < observed.containers.size(); ++k) {
    size_t i = init_count + k;
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::Running) continue;
    if (c.state == ContainerState::NotStarted) {
      plan.start.push_back(i);
      continue;
    }
    if (restarts(spec, c, false)) restart_or_hold(plan, i, c, policy, now);
  }
  return plan;
}

std::string pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed) {
  const size_t init_count = std::min(spec.init_containers.size(), observed.containers.size());
  for (size_t i = 0; i < init_count; ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i) || observed.initialized_once) continue;
    if (c.state == ContainerState::Exited && c.exit_code != 0 && !c.create_error &&
        (spec.restart_policy == "Never" || observed.terminating))
      return "Failed";
  }
  if (!initialized(spec, observed)) return "Pending";
  int waiting = 0, running = 0, stopped = 0, succeeded_count = 0;
  for (size_t i = init_count; i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (c.state == ContainerState::NotStarted || c.create_error) ++waiting;
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
  s += "] kill=[";
  first = true;
  for (const auto& [i, k] : kill) {
    s += (first ? "" : ",") + std::to_string(i) + ":" + k.reason;
    first = false;
  }
  s += "]";
  if (stop_sidecars) s += " stop_sidecars";
  if (wake_at) s += " wake_at=" + std::to_string(*wake_at);
  return s;
}

}  // namespace podctl::plan
