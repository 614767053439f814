#include "orchestrator/plan/container_status.h"

#include <array>
#include <utility>

namespace podctl::plan {
namespace {

// One table per enum, in declaration order, so that a value and its string cannot drift apart.
template <class Enum, size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<WaitingReason, 8> kWaiting{{
    {WaitingReason::ContainerCreating, "ContainerCreating"},
    {WaitingReason::PodInitializing, "PodInitializing"},
    {WaitingReason::CrashLoopBackOff, "CrashLoopBackOff"},
    {WaitingReason::ImagePullBackOff, "ImagePullBackOff"},
    {WaitingReason::ErrImagePull, "ErrImagePull"},
    {WaitingReason::ErrImageNeverPull, "ErrImageNeverPull"},
    {WaitingReason::CreateContainerConfigError, "CreateContainerConfigError"},
    {WaitingReason::CreateContainerError, "CreateContainerError"},
}};
constexpr Names<TerminatedReason, 4> kTerminated{{
    {TerminatedReason::Completed, "Completed"},
    {TerminatedReason::Error, "Error"},
    {TerminatedReason::OOMKilled, "OOMKilled"},
    {TerminatedReason::StartError, "StartError"},
}};
constexpr Names<PodPhase, 5> kPhases{{
    {PodPhase::Pending, "Pending"},
    {PodPhase::Running, "Running"},
    {PodPhase::Succeeded, "Succeeded"},
    {PodPhase::Failed, "Failed"},
    {PodPhase::Unknown, "Unknown"},
}};
constexpr Names<ConditionType, 5> kConditions{{
    {ConditionType::PodReadyToStartContainers, "PodReadyToStartContainers"},
    {ConditionType::Initialized, "Initialized"},
    {ConditionType::Ready, "Ready"},
    {ConditionType::ContainersReady, "ContainersReady"},
    {ConditionType::PodScheduled, "PodScheduled"},
}};

template <class Enum, size_t N>
std::string_view lookup_name(const Names<Enum, N>& names, Enum value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "";
}

template <class Enum, size_t N>
std::optional<Enum> lookup_value(const Names<Enum, N>& names, std::string_view name) {
  for (const auto& [v, n] : names)
    if (n == name) return v;
  return std::nullopt;
}

}  // namespace

std::string_view name_of(WaitingReason reason) { return lookup_name(kWaiting, reason); }
std::string_view name_of(TerminatedReason reason) { return lookup_name(kTerminated, reason); }
std::string_view name_of(PodPhase phase) { return lookup_name(kPhases, phase); }
std::string_view name_of(ConditionType type) { return lookup_name(kConditions, type); }
std::optional<WaitingReason> waiting_reason_named(std::string_view name) { return lookup_value(kWaiting, name); }
std::optional<TerminatedReason> terminated_reason_named(std::string_view name) {
  return lookup_value(kTerminated, name);
}
std::optional<PodPhase> pod_phase_named(std::string_view name) { return lookup_value(kPhases, name); }
std::optional<ConditionType> condition_type_named(std::string_view name) { return lookup_value(kConditions, name); }

}  // namespace podctl::plan
