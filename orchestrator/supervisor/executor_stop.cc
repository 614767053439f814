// Graceful stops as the kubelet's killContainer carries them out: the preStop hook first (its
// time counts against the grace period), then the stop signal, then SIGKILL at the deadline. The
// planner decides who stops, with what grace, and when each step follows.
#include "orchestrator/supervisor/pod_executor.h"

namespace podctl::supervisor {

void PodExecutor::kill(ContainerRecord& c, const plan::ContainerKill& k) {
  if (!c.running() || c.stopping()) return;
  event(EventType::Normal, "Killing", k.message, &c);
  cancel_handlers(c);  // its probes, and a postStart hook still running, end with it
  c.observed.stopped_for = k.reason;
  if (k.run_pre_stop) {
    c.observed.stop = plan::StopPhase::PreStop;
    c.observed.grace_end = runtime_.now() + k.grace_ms;
    run_handler(c, HandlerKind::PreStop, *c.spec->lifecycle->pre_stop, c.observed.grace_end);
    return;
  }
  send_stop_signal(c, k.grace_ms);
}

void PodExecutor::send_stop_signal(ContainerRecord& c, Millis grace_ms) {
  if (!c.running()) return;
  c.observed.stop = plan::StopPhase::Signalled;
  c.observed.kill_at = grace_ms == 0 ? plan::kNoDeadline : runtime_.now() + grace_ms;
  // A process that has just exited cannot be signalled; its exit is already on the way.
  (void)runtime_.signal(c.index, grace_ms == 0 ? StopSignal::Kill : StopSignal::Graceful);
}

void PodExecutor::on_pre_stop_done(ContainerRecord& c, const HandlerOutcome& outcome) {
  if (!c.running() || c.observed.stop != plan::StopPhase::PreStop) return;
  bool overran = runtime_.now() >= c.observed.grace_end;
  if (outcome.result != plan::ProbeResult::Success && !overran)
    event(EventType::Warning, "FailedPreStopHook",
          "PreStopHook failed for Container \"" + c.spec->name + "\" in Pod \"" + pod_ref() + "\": " + outcome.message,
          &c);
  c.observed.stop = plan::StopPhase::PreStopDone;  // the planner sends the stop signal
}

}  // namespace podctl::supervisor
