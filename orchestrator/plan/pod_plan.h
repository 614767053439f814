// podctl - the pod planner, a pure function in the shape of the kubelet's computePodActions:
// desired spec + observed containers + backoff + probe results + now → which containers to
// start, which to kill and why, which wait in CrashLoopBackOff, when to wake up next.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"
#include "orchestrator/plan/backoff.h"

namespace podctl::plan {

enum class ContainerState { NotStarted, Running, Exited };

// The result a probe worker reports once its threshold is crossed (proberesults.Result).
enum class ProbeResult { Unknown, Success, Failure };

struct ObservedContainer {
  ContainerState state = ContainerState::NotStarted;
  int exit_code = 0;
  Millis finished_at = 0;                 // monotonic, when Exited
  std::optional<BackoffEntry> backoff;    // the container's backoff entry, if any
  // Running, its postStart hook done and its startup probe passed (status.started).
  bool started = false;
  bool stopping = false;                  // a kill is already under way
  // Exited without ever running: its configuration or a volume could not be made
  // (CreateContainerConfigError, FailedMount). Retried with backoff whatever the policy.
  bool create_error = false;
  ProbeResult startup = ProbeResult::Unknown;
  ProbeResult liveness = ProbeResult::Unknown;
  bool operator==(const ObservedContainer&) const = default;
};

struct ObservedPod {
  // spec.initContainers first, then spec.containers; plan indexes count in the same order.
  std::vector<ObservedContainer> containers;
  bool terminating = false;                   // a delete is under way: start nothing
  // The pod was initialized once in this sandbox: regular init containers never run again and
  // sidecars are restarted without holding anything back (isPreviouslyInitialized).
  bool initialized_once = false;
  bool operator==(const ObservedPod&) const = default;
};

struct ContainerKill {
  std::string reason;   // LivenessProbe | StartupProbe
  std::string message;  // "Container web failed liveness probe, will be restarted"
  int64_t grace_seconds = 0;
  bool operator==(const ContainerKill&) const = default;
};

struct PodPlan {
  std::vector<size_t> start;                       // start now (init containers, then app containers)
  std::map<size_t, BackoffEntry> backoff_updates;  // new entries for restarted containers
  std::map<size_t, Millis> back_off_until;         // held in CrashLoopBackOff until then
  std::optional<Millis> wake_at;                   // earliest backoff end
  std::map<size_t, ContainerKill> kill;            // running containers to stop
  // Every regular container has finished for good: the sidecars go, last one first.
  bool stop_sidecars = false;
  bool operator==(const PodPlan&) const = default;
  std::string to_string() const;
};

// ShouldContainerBeRestarted for an exited container: Always → yes, OnFailure → exit ≠ 0, Never → no.
bool should_restart(const std::string& restart_policy, int exit_code);

// An init container with restartPolicy: Always.
bool is_sidecar(const manifest::PodSpec& spec, size_t index);

// Init containers run one at a time, in order, each to exit 0 before the next; a sidecar only
// has to have started. A failed init container is restarted per the pod's policy (with backoff),
// and under Never it fails the pod. App containers are planned only once the pod is initialized.
// Running containers whose startup or liveness probe failed are killed.
PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now);

// Every regular init container has exited 0 and every sidecar has started (the Initialized condition).
bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed);

// The pod phase the kubelet reports (getPhase).
std::string pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed);

}  // namespace podctl::plan
