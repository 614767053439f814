#include "orchestrator/plan/probe_worker.h"

namespace podctl::plan {

const char* probe_kind_name(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Startup: return "Startup";
    case ProbeKind::Liveness: return "Liveness";
    case ProbeKind::Readiness: return "Readiness";
  }
  return "";
}

namespace {

// Readiness is Failure until the first success; liveness assumes Success; startup knows nothing.
ProbeResult initial_result(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Readiness: return ProbeResult::Failure;
    case ProbeKind::Liveness: return ProbeResult::Success;
    case ProbeKind::Startup: return ProbeResult::Unknown;
  }
  return ProbeResult::Unknown;
}

}  // namespace

ProbeWorker::ProbeWorker(ProbeKind kind, const manifest::Probe& probe, Millis started_at)
    : kind_(kind),
      probe_(probe),
      next_run_(started_at + probe.initial_delay_seconds * 1000),
      result_(initial_result(kind)) {}

std::optional<Millis> ProbeWorker::next_due(bool container_started) const {
  if (finished_ || (kind_ == ProbeKind::Startup) == container_started) return std::nullopt;
  return next_run_;
}

bool ProbeWorker::due(bool container_started, Millis now) const {
  auto at = next_due(container_started);
  return at && now >= *at;
}

void ProbeWorker::launched(Millis now) { next_run_ = now + probe_.period_seconds * 1000; }

bool ProbeWorker::record(ProbeResult outcome) {
  if (outcome == ProbeResult::Unknown) return false;
  ProbeResult before = result_;
  if (outcome == ProbeResult::Success) {
    failures_ = 0;
    if (++successes_ >= probe_.success_threshold) result_ = ProbeResult::Success;
    if (kind_ == ProbeKind::Startup && result_ == ProbeResult::Success) finished_ = true;
  } else {
    successes_ = 0;
    if (++failures_ >= probe_.failure_threshold) result_ = ProbeResult::Failure;
    if (kind_ != ProbeKind::Readiness && result_ == ProbeResult::Failure) finished_ = true;
  }
  return result_ != before;
}

}  // namespace podctl::plan
