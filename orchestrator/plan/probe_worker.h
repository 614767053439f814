// podctl - one probe of one container as the kubelet's prober worker keeps it: when it runs next,
// the consecutive successes and failures, and the result once a threshold is crossed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "manifests/pod_spec.h"
#include "orchestrator/plan/backoff.h"
#include "orchestrator/plan/pod_plan.h"

namespace podctl::plan {

enum class ProbeKind { Startup, Liveness, Readiness };

const char* probe_kind_name(ProbeKind kind);

// How one run of a probe or hook ended.
struct HandlerOutcome {
  ProbeResult result = ProbeResult::Unknown;
  std::string message;  // kubelet wording: "HTTP probe failed with statuscode: 500", the command's output…
};                      // "Startup", "Liveness", "Readiness"

class ProbeWorker {
 public:
  // A worker for a container (re)started at `started_at`: the first run waits initialDelaySeconds.
  ProbeWorker(ProbeKind kind, const manifest::Probe& probe, Millis started_at);

  // Startup probes run until the container has started; liveness and readiness only after it.
  // A worker whose liveness or startup probe failed waits for the next container (kubelet #22107).
  bool due(bool container_started, Millis now) const;
  // When it runs next, or none while it waits (or has finished).
  std::optional<Millis> next_due(bool container_started) const;
  // The run begins now: the next one is a period later, whatever this one takes.
  void launched(Millis now);
  // Counts one outcome (Unknown changes nothing); returns whether the result changed.
  bool record(ProbeResult outcome);

  ProbeKind kind() const { return kind_; }
  ProbeResult result() const { return result_; }
  Millis next_run() const { return next_run_; }
  Millis timeout() const { return probe_.timeout_seconds * 1000; }
  const manifest::Probe& probe() const { return probe_; }
  bool operator==(const ProbeWorker&) const = default;

 private:
  ProbeKind kind_;
  manifest::Probe probe_;
  Millis next_run_;
  int64_t successes_ = 0, failures_ = 0;
  ProbeResult result_;
  bool finished_ = false;
};

}  // namespace podctl::plan
