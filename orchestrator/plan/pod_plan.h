// podctl - the pod planner, a pure function in the shape of the kubelet's computePodActions and
// killPodWithSyncResult: desired spec + observed pod + backoff + now → every decision the
// supervisor takes. Which containers start, which restart now and which wait in
// CrashLoopBackOff, which are killed and why (failed probes, a failed postStart hook, a changed
// spec, the pod's deletion), in which order the sidecars stop, when a SIGTERM follows a preStop
// hook and when SIGKILL follows SIGTERM, whether a lost sandbox is re-created, when to wake up.
// The executor (orchestrator/supervisor) only carries the plan out.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/policies.h"
#include "orchestrator/plan/backoff.h"
#include "orchestrator/plan/container_status.h"

namespace podctl::plan {

enum class RunState { NotStarted, Running, Exited };

// The result a probe worker reports once its threshold is crossed (proberesults.Result).
enum class ProbeResult { Unknown, Success, Failure };

// A graceful stop as killContainer does it: the preStop hook, then the stop signal, then SIGKILL.
enum class StopPhase { None, PreStop, PreStopDone, Signalled };

enum class KillReason { None, StartupProbe, LivenessProbe, PostStartHookFailed, SpecChanged, PodTermination };

enum class SandboxState { Ready, Lost, Gone };

constexpr Millis kMinimumGraceMs = 2000;  // minimumGracePeriodInSeconds
constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();

struct ObservedContainer {
  RunState state = RunState::NotStarted;
  int exit_code = 0;
  Millis finished_at = 0;               // monotonic, when Exited
  std::optional<BackoffEntry> backoff;  // the container's backoff entry, if any
  int starts = 0;                       // runs begun, failed starts included
  // Running, its postStart hook done and its startup probe passed (status.started).
  bool started = false;
  // Exited without ever running: its configuration or a volume could not be made
  // (CreateContainerConfigError, FailedMount). Retried with backoff whatever the policy.
  bool create_error = false;
  bool post_start_failed = false;  // its postStart hook failed: it is killed
  bool outdated = false;           // runs a container spec the pod no longer has
  ProbeResult startup = ProbeResult::Unknown;
  ProbeResult liveness = ProbeResult::Unknown;
  KillReason stopped_for = KillReason::None;  // why it was last killed (kept after it exits)
  StopPhase stop = StopPhase::None;
  Millis grace_end = 0;          // PreStop, PreStopDone: the end of its grace period
  Millis kill_at = kNoDeadline;  // Signalled: when SIGKILL follows
  bool operator==(const ObservedContainer&) const = default;
};

// The pod is going away (a delete), or its sidecars are, once every regular container is done.
struct Shutdown {
  bool pod_deleted = false;
  Millis grace_ms = 0;  // 0: killed at once
  Millis deadline = 0;  // when whatever still runs is given the minimum grace period
  bool operator==(const Shutdown&) const = default;
};

struct ObservedPod {
  // spec.initContainers first, then spec.containers; plan indexes count in the same order.
  std::vector<ObservedContainer> containers;
  SandboxState sandbox = SandboxState::Ready;
  // The pod was initialized once in this sandbox: regular init containers never run again and
  // sidecars are restarted without holding anything back (isPreviouslyInitialized).
  bool initialized_once = false;
  std::optional<Shutdown> shutdown;
  bool deleted = false;  // a delete has stopped everything: the phase is final (kubelet 1.27+)
  bool operator==(const ObservedPod&) const = default;
};

struct ContainerKill {
  KillReason reason = KillReason::None;
  std::string message;  // "Container web failed liveness probe, will be restarted"
  Millis grace_ms = 0;  // 0: SIGKILL at once
  bool run_pre_stop = false;
  bool operator==(const ContainerKill&) const = default;
};

enum class SandboxAction { Keep, Recreate, Abandon };

struct PodPlan {
  // A lost sandbox: its containers are killed, then it is made again or, under restartPolicy
  // Never once containers ran, left gone. Nothing else is planned in the same round.
  SandboxAction sandbox = SandboxAction::Keep;
  std::vector<size_t> start;                       // start now (init containers, then app containers)
  std::vector<size_t> forget_backoff;              // started afresh (a changed spec): no backoff
  std::map<size_t, BackoffEntry> backoff_updates;  // new entries for restarted containers
  std::map<size_t, Millis> back_off_until;         // held in CrashLoopBackOff until then
  std::map<size_t, ContainerKill> kill;            // running containers to stop
  std::map<size_t, Millis> signal;                 // preStop done: the stop signal, with this grace
  std::vector<size_t> force_kill;                  // SIGKILL now: the grace period is over
  std::map<size_t, Millis> kill_at;                // bring a signalled container's SIGKILL forward
  // Every regular container has finished for good: the sidecars go, last one first.
  bool stop_sidecars = false;
  bool shutdown_complete = false;  // nothing runs any more
  bool spec_applied = false;       // every container runs the current spec
  std::optional<Millis> wake_at;   // the earliest backoff end or deadline
  bool operator==(const PodPlan&) const = default;
  std::string to_string() const;
};

// ShouldContainerBeRestarted for an exited container: Always → yes, OnFailure → exit ≠ 0, Never → no.
bool should_restart(manifest::RestartPolicy policy, int exit_code);

// An init container with restartPolicy: Always.
bool is_sidecar(const manifest::PodSpec& spec, size_t index);

// Init containers run one at a time, in order, each to exit 0 before the next; a sidecar only
// has to have started. A failed init container is restarted per the pod's policy (with backoff),
// and under Never it fails the pod. App containers are planned only once the pod is initialized.
PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now);

// Every regular init container has exited 0 and every sidecar has started (the Initialized condition).
bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed);

// The pod phase the kubelet reports (getPhase).
PodPhase pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed);

}  // namespace podctl::plan
