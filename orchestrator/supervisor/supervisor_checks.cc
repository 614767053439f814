// Probes and lifecycle hooks: each run is a HandlerRun watched by the event loop; outcomes feed
// the probe workers, whose results the planner turns into kills and the status into readiness.
#include <spdlog/spdlog.h>
#include <sys/epoll.h>

#include "orchestrator/supervisor/supervisor_impl.h"

namespace podctl::supervisor {
namespace {

using plan::ProbeKind;
using plan::ProbeResult;

Run run_of(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Startup: return kStartupRun;
    case ProbeKind::Liveness: return kLivenessRun;
    case ProbeKind::Readiness: return kReadinessRun;
  }
  return kStartupRun;
}

std::string handler_description(const manifest::Handler& h) {
  if (h.exec) {
    std::string cmd;
    for (const auto& part : h.exec->command) cmd += (cmd.empty() ? "" : " ") + part;
    return "Exec lifecycle hook ([" + cmd + "])";
  }
  if (h.http_get) return "HTTP lifecycle hook (" + h.http_get->path + ")";
  if (h.sleep) return "Sleep lifecycle hook (" + std::to_string(h.sleep->seconds) + ")";
  return "Lifecycle hook";
}

}  // namespace

void Supervisor::begin_checks(Slot& s) {
  Millis now = monotonic_ms();
  const manifest::Container& c = *s.spec;
  s.probes.clear();
  if (c.startup_probe) s.probes.emplace_back(ProbeKind::Startup, *c.startup_probe, now);
  if (c.liveness_probe) s.probes.emplace_back(ProbeKind::Liveness, *c.liveness_probe, now);
  if (c.readiness_probe) s.probes.emplace_back(ProbeKind::Readiness, *c.readiness_probe, now);
  s.post_start_done = false;
  // The kubelet reports a container as Running only once its postStart hook has completed.
  if (c.lifecycle && c.lifecycle->post_start) start_run(s, kPostStartRun, *c.lifecycle->post_start, std::nullopt);
  else on_post_start_done(s, {ProbeResult::Success, ""});
}

// Exec probes and hooks run as the container's process does: its user, capabilities and
// environment, read from /proc once per run, and only for containers that have exec actions.
const ExecTarget* Supervisor::exec_target(Slot& s) {
  if (!s.exec_target) {
    auto target = describe_container_process(s.proc.pid());
    if (!target) return nullptr;
    s.exec_target = std::move(*target);
    s.exec_target->cgroup = s.cgroup;
    s.exec_target->seccomp = s.seccomp;  // probes and hooks run under the container's filter
    if (!s.working_dir.empty()) s.exec_target->working_dir = s.working_dir;
  }
  return &*s.exec_target;
}

bool Supervisor::start_run(Slot& s, Run which, const manifest::Handler& handler, std::optional<Millis> deadline) {
  HandlerTarget target;
  target.pod_ip = record_.pod_ip;
  target.container = s.spec;
  if (handler.exec) target.exec = exec_target(s);
  target.container_pidfd = s.proc.pidfd();
  auto run = HandlerRun::start(handler, target, deadline);
  if (!run) {
    finish_run(s, which, {which < kPostStartRun ? ProbeResult::Unknown : ProbeResult::Failure, run.error().message});
    return false;
  }
  s.runs[which] = std::move(*run);
  if (s.runs[which]->fd() >= 0) watch(s.runs[which]->fd(), tag(kHandler, s.index * kRunCount + which), s.runs[which]->events());
  return true;
}

void Supervisor::cancel_runs(Slot& s) {
  for (auto& run : s.runs) {
    if (run && run->fd() >= 0) unwatch(run->fd());
    run.reset();  // an exec run's process dies here, and its command with it
  }
}

void Supervisor::finish_run(Slot& s, Run which, const HandlerOutcome& outcome) {
  if (auto& run = s.runs[which]) {
    if (run->fd() >= 0) unwatch(run->fd());
    run.reset();
  }
  switch (which) {
    case kStartupRun: return on_probe_outcome(s, ProbeKind::Startup, outcome);
    case kLivenessRun: return on_probe_outcome(s, ProbeKind::Liveness, outcome);
    case kReadinessRun: return on_probe_outcome(s, ProbeKind::Readiness, outcome);
    case kPostStartRun: return on_post_start_done(s, outcome);
    case kPreStopRun: return on_pre_stop_done(s, outcome);
    case kRunCount: return;
  }
}

void Supervisor::on_handler_ready(size_t tag_index) {
  Slot& s = slots_[tag_index / kRunCount];
  auto which = static_cast<Run>(tag_index % kRunCount);
  auto& run = s.runs[which];
  if (!run) return;
  uint32_t before = run->events();
  auto outcome = run->advance();
  if (outcome) return finish_run(s, which, *outcome);
  if (run->events() != before) {
    epoll_event ev{};
    ev.events = run->events();
    ev.data.u64 = tag(kHandler, tag_index);
    epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, run->fd(), &ev);
  }
}

void Supervisor::expire_runs(Millis now) {
  for (auto& s : slots_)
    for (size_t which = 0; which < kRunCount; ++which) {
      auto& run = s.runs[which];
      if (run && run->deadline() && now >= *run->deadline()) {
        HandlerOutcome outcome = run->expire();
        finish_run(s, static_cast<Run>(which), outcome);
      }
    }
}

void Supervisor::run_due_probes(Millis now) {
  for (auto& s : slots_) {
    if (!s.running() || !s.post_start_done || s.stop != StopPhase::None) continue;
    for (auto& w : s.probes) {
      Run which = run_of(w.kind());
      if (s.runs[which] || !w.due(s.started(), now)) continue;
      w.launched(now);
      start_run(s, which, w.probe().handler, now + w.timeout());
    }
  }
}

void Supervisor::on_probe_outcome(Slot& s, ProbeKind kind, const HandlerOutcome& outcome) {
  if (!s.running() || s.stop != StopPhase::None) return;
  std::string name = plan::probe_kind_name(kind);
  if (outcome.result == ProbeResult::Failure)
    events_.add("Warning", "Unhealthy", name + " probe failed: " + outcome.message, container_ref(s));
  else if (outcome.result == ProbeResult::Unknown)
    events_.add("Warning", "Unhealthy", name + " probe errored: " + outcome.message, container_ref(s));
  for (auto& w : s.probes)
    if (w.kind() == kind && w.record(outcome.result))
      spdlog::info("container {}: {} probe result is now {}", s.spec->name, name,
                   w.result() == ProbeResult::Success ? "success" : "failure");
}

void Supervisor::on_post_start_done(Slot& s, const HandlerOutcome& outcome) {
  if (!s.running()) return;
  if (outcome.result == ProbeResult::Success) {
    s.post_start_done = true;
    s.state = json{{"running", {{"startedAt", s.started_at}}}};
    return;
  }
  events_.add("Warning", "FailedPostStartHook",
              handler_description(*s.spec->lifecycle->post_start) + " for Container \"" + s.spec->name +
                  "\" in Pod \"" + pod_ref() + "\" failed - error: " + outcome.message,
              container_ref(s));
  stop_container(s, pod_.spec.termination_grace_period_seconds * 1000, "FailedPostStartHook");
}

std::optional<Millis> Supervisor::next_check(std::optional<Millis> wake_at) const {
  for (const auto& s : slots_) {
    for (const auto& run : s.runs)
      if (run && run->deadline()) wake_at = earliest(wake_at, *run->deadline());
    if (!s.running() || !s.post_start_done || s.stop != StopPhase::None) continue;
    for (const auto& w : s.probes)
      if (auto at = w.next_due(s.started()); at && !s.runs[run_of(w.kind())]) wake_at = earliest(wake_at, *at);
  }
  return wake_at;
}

}  // namespace podctl::supervisor
