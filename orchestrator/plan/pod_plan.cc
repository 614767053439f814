#include "orchestrator/plan/pod_plan.h"

#include "orchestrator/plan/plan_internal.h"

namespace podctl::plan {

using detail::container_at;
using detail::make_kill;
using manifest::RestartPolicy;

bool should_restart(RestartPolicy policy, int exit_code) {
  if (policy == RestartPolicy::Always) return true;
  if (policy == RestartPolicy::OnFailure) return exit_code != 0;
  return false;
}

bool is_sidecar(const manifest::PodSpec& spec, size_t index) {
  return index < spec.init_containers.size() && manifest::is_restartable(spec.init_containers[index]);
}

namespace {

// Restart an exited container now, or hold it in CrashLoopBackOff until its window ends.
void restart_or_hold(PodPlan& plan, size_t i, const ObservedContainer& c, const BackoffPolicy& policy, Millis now) {
  if (in_backoff(c.backoff, policy, c.finished_at, now)) {
    Millis until = backoff_ends(*c.backoff, c.finished_at);
    plan.back_off_until[i] = until;
    detail::wake_by(plan, until);
    return;
  }
  plan.start.push_back(i);
  plan.backoff_updates[i] = next_backoff(c.backoff, policy, c.finished_at, now);
}

bool succeeded(const ObservedContainer& c) {
  return c.state == RunState::Exited && c.exit_code == 0 && !c.create_error;
}

// Stopped because its spec changed: a new container, whatever the policy, with no backoff.
bool replaced(const ObservedContainer& c) {
  return c.state == RunState::Exited && c.stopped_for == KillReason::SpecChanged;
}

// Whether an exited container runs again: always after a creation error, else by the policy.
bool restarts(const manifest::PodSpec& spec, const ObservedContainer& c, bool sidecar) {
  return c.create_error || sidecar || replaced(c) || should_restart(manifest::restart_policy_of(spec), c.exit_code);
}
bool running_and_started(const ObservedContainer& c) { return c.state == RunState::Running && c.started; }

std::string probe_kill_message(const manifest::Container& c, const char* kind, bool restart) {
  std::string m = "Container " + c.name + " failed " + kind + " probe";
  if (restart) m += ", will be restarted";
  return m;
}

// Running containers that must go: a failed postStart hook, a changed spec, a failed startup
// probe, or a failed liveness probe once started. The restart policy then decides (a sidecar is
// always restarted).
void plan_kills(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed) {
  const Millis pod_grace = spec.termination_grace_period_seconds * 1000;
  for (size_t i = 0; i < observed.containers.size(); ++i) {
    const auto& o = observed.containers[i];
    if (!detail::killable(o)) continue;
    const manifest::Container& c = container_at(spec, i);
    if (o.post_start_failed) {
      plan.kill[i] = make_kill(c, KillReason::PostStartHookFailed, "FailedPostStartHook", pod_grace);
      continue;
    }
    if (o.outdated) {
      plan.kill[i] = make_kill(c, KillReason::SpecChanged,
                               "Container " + c.name + " definition changed, will be restarted", pod_grace);
      continue;
    }
    const std::optional<manifest::Probe>* failed = nullptr;
    KillReason reason = KillReason::None;
    if (c.startup_probe && o.startup == ProbeResult::Failure)
      failed = &c.startup_probe, reason = KillReason::StartupProbe;
    else if (o.started && c.liveness_probe && o.liveness == ProbeResult::Failure)
      failed = &c.liveness_probe, reason = KillReason::LivenessProbe;
    if (!failed) continue;
    bool restart = manifest::restart_policy_of(spec) != RestartPolicy::Never || is_sidecar(spec, i);
    Millis grace = (*failed)->termination_grace_period_seconds.value_or(spec.termination_grace_period_seconds) * 1000;
    plan.kill[i] = make_kill(
        c, reason, probe_kill_message(c, reason == KillReason::StartupProbe ? "startup" : "liveness", restart), grace);
  }
}

// Before the pod is initialized: walk the init containers in order. Returns whether all of them
// are done (regular ones exited 0, sidecars started).
bool plan_init_containers(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed,
                          const BackoffPolicy& policy, Millis now) {
  const bool never = manifest::restart_policy_of(spec) == RestartPolicy::Never;
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (is_sidecar(spec, i)) {
      if (running_and_started(c)) continue;
      if (c.state == RunState::NotStarted)
        plan.start.push_back(i);
      else if (c.state == RunState::Exited)
        restart_or_hold(plan, i, c, policy, now);
      return false;  // the next one waits until this sidecar has started
    }
    if (succeeded(c)) continue;
    if (c.state == RunState::NotStarted)
      plan.start.push_back(i);
    else if (c.state == RunState::Exited && (!never || c.create_error))
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
    keep += c.state != RunState::Exited || restarts(spec, c, false);
  }
  return keep;
}

void plan_sidecars(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed,
                   const BackoffPolicy& policy, Millis now) {
  const bool finished = !spec.containers.empty() && regular_containers_to_keep(spec, observed) == 0;
  for (size_t i = 0; i < spec.init_containers.size() && i < observed.containers.size(); ++i) {
    if (!is_sidecar(spec, i)) continue;
    const auto& c = observed.containers[i];
    if (finished)
      plan.stop_sidecars |= c.state == RunState::Running;
    else if (observed.initialized_once && c.state == RunState::NotStarted)
      plan.start.push_back(i);
    else if (observed.initialized_once && c.state == RunState::Exited)
      restart_or_hold(plan, i, c, policy, now);
  }
}

void plan_app_containers(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed,
                         const BackoffPolicy& policy, Millis now) {
  const size_t init_count = spec.init_containers.size();
  for (size_t i = init_count; i < init_count + spec.containers.size() && i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (c.state == RunState::Running) continue;
    if (c.state == RunState::NotStarted || replaced(c)) {
      plan.start.push_back(i);
      if (replaced(c)) plan.forget_backoff.push_back(i);
      continue;
    }
    if (restarts(spec, c, false)) restart_or_hold(plan, i, c, policy, now);
  }
}

bool any_ran(const ObservedPod& observed) {
  for (const auto& c : observed.containers)
    if (c.starts > 0) return true;
  return false;
}

// No container still runs, or is to run again, from a spec the pod no longer has.
bool spec_applied(const ObservedPod& observed) {
  for (const auto& c : observed.containers)
    if ((c.state == RunState::Running && c.outdated) || replaced(c)) return false;
  return true;
}

}  // namespace

PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now) {
  PodPlan plan;
  if (observed.shutdown) {
    detail::plan_stops(plan, observed, now);
    detail::plan_shutdown(plan, spec, observed, now);
    return plan;
  }
  if (observed.sandbox == SandboxState::Lost) {
    // SandboxChanged: with Never, a pod whose containers already ran is not re-created.
    bool never = manifest::restart_policy_of(spec) == RestartPolicy::Never;
    plan.sandbox = never && any_ran(observed) ? SandboxAction::Abandon : SandboxAction::Recreate;
    return plan;
  }
  detail::plan_stops(plan, observed, now);
  if (observed.sandbox == SandboxState::Gone) return plan;
  plan_kills(plan, spec, observed);
  plan.spec_applied = spec_applied(observed);
  if (!observed.initialized_once && !plan_init_containers(plan, spec, observed, policy, now)) return plan;
  plan_sidecars(plan, spec, observed, policy, now);
  plan_app_containers(plan, spec, observed, policy, now);
  return plan;
}

namespace {

template <class Map, class Show>
void append_map(std::string& s, const char* name, const Map& m, Show show) {
  if (m.empty()) return;
  s.append(" ").append(name).append("=[");
  bool first = true;
  for (const auto& [i, v] : m) {
    if (!first) s.append(",");
    s.append(std::to_string(i)).append(show(v));
    first = false;
  }
  s.append("]");
}

}  // namespace

std::string PodPlan::to_string() const {
  std::string s = "start=[";
  for (size_t i = 0; i < start.size(); ++i) s.append(i ? "," : "").append(std::to_string(start[i]));
  s.append("]");
  append_map(s, "backoff", back_off_until, [](Millis until) { return "@" + std::to_string(until); });
  append_map(s, "kill", kill, [](const ContainerKill& k) { return ":" + std::to_string(static_cast<int>(k.reason)); });
  append_map(s, "signal", signal, [](Millis grace) { return ":" + std::to_string(grace); });
  if (!force_kill.empty()) s.append(" force_kill=").append(std::to_string(force_kill.size()));
  if (sandbox != SandboxAction::Keep)
    s.append(sandbox == SandboxAction::Recreate ? " recreate_sandbox" : " abandon_sandbox");
  if (stop_sidecars) s.append(" stop_sidecars");
  if (shutdown_complete) s.append(" shutdown_complete");
  if (wake_at) s.append(" wake_at=").append(std::to_string(*wake_at));
  return s;
}

}  // namespace podctl::plan
