// Stops, as the kubelet's killPodWithSyncResult orders them: on a delete the regular containers
// are stopped together, then the sidecars one at a time, last one first, once no regular
// container runs; when the pod's grace period runs out, whatever is left gets the minimum grace
// period. A grace period of 0 kills everything at once, also what a graceful stop was stopping.
#include "orchestrator/plan/plan_internal.h"

namespace podctl::plan::detail {

ContainerKill make_kill(const manifest::Container& c, KillReason reason, std::string message, Millis grace_ms) {
  if (grace_ms > 0 && grace_ms < kMinimumGraceMs) grace_ms = kMinimumGraceMs;
  bool pre_stop = grace_ms > 0 && c.lifecycle && c.lifecycle->pre_stop;
  return {reason, std::move(message), grace_ms, pre_stop};
}

void plan_stops(PodPlan& plan, const ObservedPod& observed, Millis now) {
  for (size_t i = 0; i < observed.containers.size(); ++i) {
    const auto& c = observed.containers[i];
    if (!running(c)) continue;
    // What is left of the grace period, never under 2 s: a hook that overran gets exactly 2 s more.
    if (c.stop == StopPhase::PreStopDone) plan.signal[i] = std::max(c.grace_end - now, kMinimumGraceMs);
    if (c.stop != StopPhase::Signalled || c.kill_at == kNoDeadline) continue;
    if (now >= c.kill_at)
      plan.force_kill.push_back(i);
    else
      wake_by(plan, c.kill_at);
  }
}

namespace {

std::string stopping(const manifest::Container& c) { return "Stopping container " + c.name; }

// In its preStop hook, or signalled with a SIGKILL still to come (a SIGKILL sent has no deadline).
bool being_stopped_gracefully(const ObservedContainer& c, Millis now) {
  if (!running(c) || c.stop == StopPhase::None) return false;
  return c.stop != StopPhase::Signalled || (c.kill_at != kNoDeadline && c.kill_at > now);
}

bool any_running(const ObservedPod& observed) {
  for (const auto& c : observed.containers)
    if (running(c)) return true;
  return false;
}

}  // namespace

void plan_shutdown(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed, Millis now) {
  const Shutdown& sd = *observed.shutdown;
  const Millis remaining = sd.grace_ms == 0 ? 0 : std::max(sd.deadline - now, kMinimumGraceMs);
  const auto& cs = observed.containers;
  auto kill = [&](size_t i, Millis grace) {
    if (!plan.kill.count(i))
      plan.kill[i] =
          make_kill(container_at(spec, i), KillReason::PodTermination, stopping(container_at(spec, i)), grace);
  };
  if (sd.pod_deleted)
    for (size_t i = 0; i < cs.size(); ++i)
      if (killable(cs[i]) && (!is_sidecar(spec, i) || sd.grace_ms == 0)) kill(i, remaining);
  bool regular_running = false, sidecar_stopping = false;
  for (size_t i = 0; i < cs.size(); ++i) {
    regular_running |= running(cs[i]) && !is_sidecar(spec, i);
    sidecar_stopping |= running(cs[i]) && is_sidecar(spec, i) && (cs[i].stop != StopPhase::None || plan.kill.count(i));
  }
  if (!regular_running && !sidecar_stopping)
    for (size_t k = cs.size(); k-- > 0;)
      if (is_sidecar(spec, k) && killable(cs[k])) {
        kill(k, remaining);
        break;
      }
  if (now >= sd.deadline)
    for (size_t i = 0; i < cs.size(); ++i) {
      // A delete without a grace period that overtook a graceful one (kubectl delete --force,
      // `run`'s second Ctrl-C): what is still in its preStop hook or its stop signal's grace goes too.
      if (sd.grace_ms == 0 && being_stopped_gracefully(cs[i], now)) {
        plan.force_kill.push_back(i);
        plan.signal.erase(i);
      } else if (killable(cs[i]))
        kill(i, kMinimumGraceMs);
      else if (being_stopped_gracefully(cs[i], now) && cs[i].stop == StopPhase::Signalled &&
               cs[i].kill_at > now + kMinimumGraceMs)
        plan.kill_at[i] = now + kMinimumGraceMs;
    }
  if (!any_running(observed))
    plan.shutdown_complete = true;
  else if (now < sd.deadline)
    wake_by(plan, sd.deadline);
}

}  // namespace podctl::plan::detail
