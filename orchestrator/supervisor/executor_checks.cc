// Probes and lifecycle hooks: each run is begun through the runtime and ends in on_handler_done;
// outcomes feed the probe workers, whose results the planner turns into kills and the status
// into readiness.
#include "orchestrator/supervisor/pod_executor.h"

namespace podctl::supervisor {
namespace {

using plan::ProbeKind;
using plan::ProbeResult;

HandlerKind handler_of(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Startup: return HandlerKind::Startup;
    case ProbeKind::Liveness: return HandlerKind::Liveness;
    case ProbeKind::Readiness: return HandlerKind::Readiness;
  }
  return HandlerKind::Startup;
}

size_t slot(HandlerKind kind) { return static_cast<size_t>(kind); }

bool is_probe(HandlerKind kind) { return kind < HandlerKind::PostStart; }

std::string handler_description(const manifest::Handler& h) {
  if (h.exec) {
    std::string cmd;
    for (const auto& part : h.exec->command) cmd.append(cmd.empty() ? "" : " ").append(part);
    return "Exec lifecycle hook ([" + cmd + "])";
  }
  if (h.http_get) return "HTTP lifecycle hook (" + h.http_get->path + ")";
  if (h.sleep) return "Sleep lifecycle hook (" + std::to_string(h.sleep->seconds) + ")";
  return "Lifecycle hook";
}

}  // namespace

void PodExecutor::begin_checks(ContainerRecord& c) {
  const Millis now = runtime_.now();
  const manifest::Container& spec = *c.spec;
  c.probes.clear();
  if (spec.startup_probe) c.probes.emplace_back(ProbeKind::Startup, *spec.startup_probe, now);
  if (spec.liveness_probe) c.probes.emplace_back(ProbeKind::Liveness, *spec.liveness_probe, now);
  if (spec.readiness_probe) c.probes.emplace_back(ProbeKind::Readiness, *spec.readiness_probe, now);
  c.post_start_done = false;
  // The kubelet reports a container as Running only once its postStart hook has completed.
  if (spec.lifecycle && spec.lifecycle->post_start)
    run_handler(c, HandlerKind::PostStart, *spec.lifecycle->post_start, std::nullopt);
  else
    on_post_start_done(c, {ProbeResult::Success, ""});
}

void PodExecutor::run_handler(ContainerRecord& c, HandlerKind kind, const manifest::Handler& handler,
                              std::optional<Millis> deadline) {
  auto st = runtime_.run_handler(c.index, *c.spec, kind, handler, deadline);
  if (!st)
    return on_handler_done(c.index, kind,
                           {is_probe(kind) ? ProbeResult::Unknown : ProbeResult::Failure, st.error().message});
  c.handler_running[slot(kind)] = true;
  c.handler_deadline[slot(kind)] = deadline;
}

void PodExecutor::cancel_handlers(ContainerRecord& c) {
  runtime_.cancel_handlers(c.index);  // an exec run's process dies here, and its command with it
  c.handler_running = {};
  c.handler_deadline = {};
}

void PodExecutor::on_handler_done(size_t i, HandlerKind kind, const HandlerOutcome& outcome) {
  ContainerRecord& c = containers_[i];
  c.handler_running[slot(kind)] = false;
  c.handler_deadline[slot(kind)].reset();
  switch (kind) {
    case HandlerKind::Startup: return on_probe_outcome(c, ProbeKind::Startup, outcome);
    case HandlerKind::Liveness: return on_probe_outcome(c, ProbeKind::Liveness, outcome);
    case HandlerKind::Readiness: return on_probe_outcome(c, ProbeKind::Readiness, outcome);
    case HandlerKind::PostStart: return on_post_start_done(c, outcome);
    case HandlerKind::PreStop: return on_pre_stop_done(c, outcome);
  }
}

void PodExecutor::on_timer() {
  const Millis now = runtime_.now();
  for (auto& c : containers_)
    for (size_t k = 0; k < kHandlerKinds; ++k) {
      const auto& deadline = c.handler_deadline[k];
      if (!c.handler_running[k] || !deadline || now < *deadline) continue;
      auto kind = static_cast<HandlerKind>(k);
      on_handler_done(c.index, kind, runtime_.expire_handler(c.index, kind));
    }
}

void PodExecutor::run_due_probes(Millis now) {
  for (auto& c : containers_) {
    if (!c.running() || !c.post_start_done || c.stopping()) continue;
    for (auto& w : c.probes) {
      HandlerKind kind = handler_of(w.kind());
      if (c.handler_running[slot(kind)] || !w.due(c.started(), now)) continue;
      w.launched(now);
      run_handler(c, kind, w.probe().handler, now + w.timeout());
    }
  }
}

void PodExecutor::on_probe_outcome(ContainerRecord& c, ProbeKind kind, const HandlerOutcome& outcome) {
  if (!c.running() || c.stopping()) return;
  std::string name = plan::probe_kind_name(kind);
  if (outcome.result == ProbeResult::Failure)
    event(EventType::Warning, "Unhealthy", name + " probe failed: " + outcome.message, &c);
  else if (outcome.result == ProbeResult::Unknown)
    event(EventType::Warning, "Unhealthy", name + " probe errored: " + outcome.message, &c);
  for (auto& w : c.probes)
    if (w.kind() == kind) (void)w.record(outcome.result);  // whether the result changed is not needed here
}

void PodExecutor::on_post_start_done(ContainerRecord& c, const HandlerOutcome& outcome) {
  if (!c.running()) return;
  if (outcome.result == ProbeResult::Success) {
    c.post_start_done = true;
    c.state = plan::RunningState{c.started_at};
    return;
  }
  event(EventType::Warning, "FailedPostStartHook",
        handler_description(*c.spec->lifecycle->post_start) + " for Container \"" + c.spec->name + "\" in Pod \"" +
            pod_ref() + "\" failed - error: " + outcome.message,
        &c);
  c.observed.post_start_failed = true;  // the planner kills it
}

std::optional<Millis> PodExecutor::next_check(std::optional<Millis> wake_at) const {
  auto earliest = [&](Millis at) { wake_at = wake_at ? std::min(*wake_at, at) : at; };
  for (const auto& c : containers_) {
    for (size_t k = 0; k < kHandlerKinds; ++k)
      if (c.handler_running[k] && c.handler_deadline[k]) earliest(*c.handler_deadline[k]);
    if (shutdown_ || !c.running() || !c.post_start_done || c.stopping()) continue;
    for (const auto& w : c.probes)
      if (auto at = w.next_due(c.started()); at && !c.handler_running[slot(handler_of(w.kind()))]) earliest(*at);
  }
  return wake_at;
}

}  // namespace podctl::supervisor
