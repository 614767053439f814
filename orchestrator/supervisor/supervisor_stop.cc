// Graceful stops as the kubelet's killContainer does them: the preStop hook first (its time counts
// against the grace period, with a one-off 2 s extension if it overruns), then SIGTERM, then
// SIGKILL at the deadline. Pod termination stops the regular containers first and the sidecars
// after them, last one first.
#include <signal.h>

#include <limits>

#include "base/files.h"
#include "netsetup/veth.h"
#include "orchestrator/container/container_config.h"
#include "orchestrator/supervisor/supervisor_impl.h"

namespace podctl::supervisor {
namespace {

constexpr Millis kMinimumGraceMs = 2000;  // minimumGracePeriodInSeconds
constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();

}  // namespace

void Supervisor::stop_container(Slot& s, Millis grace_ms, const std::string& message) {
  if (!s.running() || s.stop != StopPhase::None) return;
  events_.add("Normal", "Killing", message, container_ref(s));
  if (grace_ms > 0 && grace_ms < kMinimumGraceMs) grace_ms = kMinimumGraceMs;
  cancel_runs(s);  // its probes, and a postStart hook still running, end with it
  const auto& lifecycle = s.spec->lifecycle;
  if (grace_ms > 0 && lifecycle && lifecycle->pre_stop) {
    s.stop = StopPhase::PreStop;
    s.grace_end = monotonic_ms() + grace_ms;
    start_run(s, kPreStopRun, *lifecycle->pre_stop, s.grace_end);  // a failure to start signals at once
    return;
  }
  signal_container(s, grace_ms);
}

void Supervisor::signal_container(Slot& s, Millis grace_ms) {
  s.stop = StopPhase::Signalled;
  s.kill_at = grace_ms == 0 ? kNoDeadline : monotonic_ms() + grace_ms;
  // SIGTERM, or the image's StopSignal, as container runtimes send it.
  pidfd_send_signal_to(s.proc.pidfd(), grace_ms == 0 ? SIGKILL : stop_signal(images_[s.spec->image]));
}

void Supervisor::on_pre_stop_done(Slot& s, const HandlerOutcome& outcome) {
  if (!s.running()) return;
  Millis now = monotonic_ms();
  bool overran = now >= s.grace_end;
  if (outcome.result != plan::ProbeResult::Success && !overran)
    events_.add("Warning", "FailedPreStopHook",
                "PreStopHook failed for Container \"" + s.spec->name + "\" in Pod \"" + pod_ref() + "\": " + outcome.message,
                container_ref(s));
  // What is left of the grace period, never under 2 s: a hook that overran gets exactly 2 s more.
  signal_container(s, std::max(s.grace_end - now, kMinimumGraceMs));
}

void Supervisor::kill_overdue(Millis now) {
  for (auto& s : slots_)
    if (s.running() && s.stop == StopPhase::Signalled && now >= s.kill_at) {
      pidfd_send_signal_to(s.proc.pidfd(), SIGKILL);
      s.kill_at = kNoDeadline;
    }
}

void Supervisor::begin_termination() {
  if (terminating_) return;
  terminating_ = true;
  int64_t grace = pod_.spec.termination_grace_period_seconds;
  if (auto text = read_file(paths_.stop_request())) {
    auto j = json::parse(*text, nullptr, false);
    if (!j.is_discarded() && j.contains("gracePeriodSeconds")) grace = j["gracePeriodSeconds"].get<int64_t>();
  }
  Millis now = monotonic_ms();
  // The kubelet never waits less than 2 s (minimumGracePeriodInSeconds); 0 means kill now.
  shutdown_grace_ms_ = grace == 0 ? 0 : std::max<Millis>(grace * 1000, kMinimumGraceMs);
  shutdown_deadline_ = now + shutdown_grace_ms_;
  shutting_down_ = true;
  for (auto& s : slots_)
    if (!s.is_sidecar || grace == 0) stop_container(s, shutdown_grace_ms_, "Stopping container " + s.spec->name);
  advance_shutdown(now);
}

void Supervisor::begin_sidecar_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  shutdown_grace_ms_ = pod_.spec.termination_grace_period_seconds * 1000;
  shutdown_deadline_ = monotonic_ms() + shutdown_grace_ms_;
  advance_shutdown(monotonic_ms());
}

// Sidecars stop one at a time, last first, once no regular container runs. When the grace period
// runs out, everything left is stopped at once with the minimum grace period.
void Supervisor::advance_shutdown(Millis now) {
  bool regular_running = false, sidecar_stopping = false;
  for (const auto& s : slots_) {
    regular_running |= s.running() && !s.is_sidecar;
    sidecar_stopping |= s.running() && s.is_sidecar && s.stop != StopPhase::None;
  }
  if (!regular_running && !sidecar_stopping)
    for (size_t k = slots_.size(); k-- > 0;)
      if (slots_[k].is_sidecar && slots_[k].running()) {
        Millis grace = shutdown_grace_ms_ == 0 ? 0 : std::max(shutdown_deadline_ - now, kMinimumGraceMs);
        stop_container(slots_[k], grace, "Stopping container " + slots_[k].spec->name);
        break;
      }
  if (now >= shutdown_deadline_)
    for (auto& s : slots_) {
      if (!s.running()) continue;
      if (s.stop == StopPhase::None) stop_container(s, kMinimumGraceMs, "Stopping container " + s.spec->name);
      else if (s.stop == StopPhase::Signalled) s.kill_at = std::min(s.kill_at, now + kMinimumGraceMs);
    }
  if (any_running()) return;
  shutting_down_ = false;
  if (terminating_) finish_termination();
}

void Supervisor::finish_termination() {
  // The host end first: deleting it is synchronous, while a dying netns frees its veth later.
  (void)net::delete_host_veth(record_.host_veth);
  if (pause_.valid()) {
    unwatch(pause_.pidfd());
    pause_.kill_and_reap();
  }
  sandbox_ready_ = false;
  done_ = true;
}

std::optional<Millis> Supervisor::next_stop_deadline(std::optional<Millis> wake_at) const {
  bool any_left = false;
  for (const auto& s : slots_) {
    if (!s.running()) continue;
    any_left = true;
    if (s.stop == StopPhase::Signalled && s.kill_at != kNoDeadline) wake_at = earliest(wake_at, s.kill_at);
  }
  if (shutting_down_ && any_left && monotonic_ms() < shutdown_deadline_) wake_at = earliest(wake_at, shutdown_deadline_);
  return wake_at;
}

}  // namespace podctl::supervisor
