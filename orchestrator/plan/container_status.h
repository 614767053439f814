// podctl - a pod's and its containers' status as typed values (core/v1 ContainerState, PodPhase,
// PodCondition). The planner, the executor and the CLI work with these; the Kubernetes strings
// appear only where status.json is written and read (orchestrator/status/pod_status_json).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace podctl::plan {

enum class WaitingReason {
  ContainerCreating,
  PodInitializing,
  CrashLoopBackOff,
  ImagePullBackOff,
  ErrImagePull,
  ErrImageNeverPull,
  CreateContainerConfigError,
  CreateContainerError,
};

enum class TerminatedReason { Completed, Error, OOMKilled, StartError };

struct WaitingState {
  WaitingReason reason = WaitingReason::ContainerCreating;
  std::string message;
  bool operator==(const WaitingState&) const = default;
};

struct RunningState {
  std::string started_at;  // RFC 3339
  bool operator==(const RunningState&) const = default;
};

struct TerminatedState {
  int exit_code = 0;
  TerminatedReason reason = TerminatedReason::Completed;
  std::string message;
  std::string started_at, finished_at;  // RFC 3339
  std::string container_id;             // "podctl://<id>", empty for a start that failed
  bool operator==(const TerminatedState&) const = default;
};

using ContainerState = std::variant<WaitingState, RunningState, TerminatedState>;

struct ContainerStatus {
  std::string name, image, image_id, container_id;
  bool ready = false, started = false;
  int restart_count = 0;
  ContainerState state;
  std::optional<TerminatedState> last_state;
  bool operator==(const ContainerStatus&) const = default;
};

enum class PodPhase { Pending, Running, Succeeded, Failed, Unknown };

enum class ConditionType { PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled };

struct PodCondition {
  ConditionType type = ConditionType::PodScheduled;
  bool status = false;
  std::string last_transition_time;
  std::string reason, message;  // PodScheduled False: Unschedulable and the scheduler's message
  bool operator==(const PodCondition&) const = default;
};

struct PodStatus {
  PodPhase phase = PodPhase::Pending;
  std::string reason, message;  // a pod the kubelet rejected: OutOfmemory, NodeAffinity…
  std::string host_ip, pod_ip, start_time, qos_class;
  std::vector<PodCondition> conditions;
  std::vector<ContainerStatus> init_containers, containers;
  bool operator==(const PodStatus&) const = default;
};

// The Kubernetes spelling of each value, and back (nullopt for a string that is none of them).
std::string_view name_of(WaitingReason reason);
std::string_view name_of(TerminatedReason reason);
std::string_view name_of(PodPhase phase);
std::string_view name_of(ConditionType type);
std::optional<WaitingReason> waiting_reason_named(std::string_view name);
std::optional<TerminatedReason> terminated_reason_named(std::string_view name);
std::optional<PodPhase> pod_phase_named(std::string_view name);
std::optional<ConditionType> condition_type_named(std::string_view name);

inline bool is_waiting(const ContainerState& s, WaitingReason reason) {
  const auto* w = std::get_if<WaitingState>(&s);
  return w && w->reason == reason;
}

}  // namespace podctl::plan
