// podctl - the pod planner, a pure function in the shape of the kubelet's computePodActions:
// desired spec + observed containers + backoff + now → which containers to start, which wait
// in CrashLoopBackOff, when to wake up next, and whether the pod is finished.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"
#include "orchestrator/plan/backoff.h"

namespace podctl::plan {

enum class ContainerState { NotStarted, Running, Exited };

struct ObservedContainer {
  ContainerState state = ContainerState::NotStarted;
  int exit_code = 0;
  Millis finished_at = 0;                 // monotonic, when Exited
  std::optional<BackoffEntry> backoff;    // the container's backoff entry, if any
  bool operator==(const ObservedContainer&) const = default;
};

struct ObservedPod {
  // spec.initContainers first, then spec.containers; plan indexes count in the same order.
  std::vector<ObservedContainer> containers;
  bool terminating = false;                   // a delete is under way: start nothing
  bool operator==(const ObservedPod&) const = default;
};

struct PodPlan {
  std::vector<size_t> start;                       // start now (init containers, then app containers)
  std::map<size_t, BackoffEntry> backoff_updates;  // new entries for restarted containers
  std::map<size_t, Millis> back_off_until;         // held in CrashLoopBackOff until then
  std::optional<Millis> wake_at;                   // earliest backoff end
  bool operator==(const PodPlan&) const = default;
  std::string to_string() const;
};

// ShouldContainerBeRestarted for an exited container: Always → yes, OnFailure → exit ≠ 0, Never → no.
bool should_restart(const std::string& restart_policy, int exit_code);

// Init containers run one at a time, in order, each to exit 0 before the next; a failed one is
// restarted per the pod's policy (with backoff), and under Never it fails the pod. App containers
// are planned only once every init container has succeeded.
PodPlan plan_pod(const manifest::PodSpec& spec, const ObservedPod& observed, const BackoffPolicy& policy, Millis now);

// Whether every init container has exited 0 (the Initialized condition).
bool initialized(const manifest::PodSpec& spec, const ObservedPod& observed);

// The pod phase the kubelet reports (getPhase).
std::string pod_phase(const manifest::PodSpec& spec, const ObservedPod& observed);

}  // namespace podctl::plan
