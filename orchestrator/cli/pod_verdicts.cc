#include "orchestrator/cli/pod_verdicts.h"

#include <algorithm>

#include "manifests/serialize.h"

namespace podctl {

using plan::ContainerStatus;
using plan::PodPhase;
using plan::TerminatedReason;
using plan::WaitingReason;

PodAction plan_apply(const std::optional<PodRecord>& existing, const manifest::Pod& pod) {
  if (!existing) return PodAction::Create;
  if (!existing->supervisor_alive) return PodAction::Heal;
  if (existing->spec_hash == manifest::pod_hash(pod)) return PodAction::Unchanged;
  return existing->pod_level_hash == manifest::pod_level_hash(pod) ? PodAction::Update : PodAction::Replace;
}

namespace {

std::string phase_text(PodPhase phase) { return "phase " + std::string(plan::name_of(phase)); }

bool condition_true(const plan::PodStatus& st, plan::ConditionType type) {
  for (const auto& c : st.conditions)
    if (c.type == type) return c.status;
  return false;
}

// A start error, in the current or the last run.
const plan::TerminatedState* start_error(const ContainerStatus& cs) {
  const auto* t = std::get_if<plan::TerminatedState>(&cs.state);
  if (t && t->reason == TerminatedReason::StartError) return t;
  if (cs.last_state && cs.last_state->reason == TerminatedReason::StartError) return &*cs.last_state;
  return nullptr;
}

}  // namespace

WatchResult apply_wait_verdict(const plan::PodStatus& st, manifest::RestartPolicy policy) {
  if (st.phase == PodPhase::Succeeded) return {WatchVerdict::kMet, "Succeeded"};
  if (st.phase == PodPhase::Failed || st.phase == PodPhase::Unknown)
    return {WatchVerdict::kFailed, phase_text(st.phase)};
  std::string seen = phase_text(st.phase);
  for (const auto& cs : st.containers) {
    std::string container = "container " + cs.name;
    const auto* waiting = std::get_if<plan::WaitingState>(&cs.state);
    // Neither gets better by waiting: the configuration must change, or the image be loaded.
    if (waiting && (waiting->reason == WaitingReason::CreateContainerConfigError ||
                    waiting->reason == WaitingReason::ErrImageNeverPull))
      return {WatchVerdict::kFailed,
              container + ": " + std::string(plan::name_of(waiting->reason)) + ": " + waiting->message};
    if (const auto* t = start_error(cs)) return {WatchVerdict::kFailed, container + ": StartError: " + t->message};
    if (waiting && waiting->reason == WaitingReason::CrashLoopBackOff)
      seen = container + " in CrashLoopBackOff (last exit code " +
             std::to_string(cs.last_state ? cs.last_state->exit_code : 0) + ")";
  }
  if (policy != manifest::RestartPolicy::Always) return {WatchVerdict::kNotYet, seen + ", not Succeeded yet"};
  if (condition_true(st, plan::ConditionType::Ready)) return {WatchVerdict::kMet, "Ready"};
  return {WatchVerdict::kNotYet, seen + ", not Ready"};
}

WatchResult run_verdict(const plan::PodStatus& st, const std::string& pod_name) {
  bool still_running = false;
  for (const auto* list : {&st.init_containers, &st.containers})
    for (const auto& cs : *list) still_running |= std::holds_alternative<plan::RunningState>(cs.state);
  bool terminal = st.phase == PodPhase::Succeeded || st.phase == PodPhase::Failed;
  if (terminal && !still_running) return {WatchVerdict::kMet, std::string(plan::name_of(st.phase))};
  if (st.phase == PodPhase::Unknown) return {WatchVerdict::kFailed, "the supervisor of pod " + pod_name + " is gone"};
  return {WatchVerdict::kNotYet, phase_text(st.phase)};
}

RunReport run_report(const std::string& pod_name, const plan::PodStatus& st, bool job,
                     const std::vector<std::string>& sidecars) {
  RunReport report;
  for (const auto* list : {&st.init_containers, &st.containers})
    for (const auto& cs : *list) {
      const bool sidecar =
          list == &st.init_containers && std::find(sidecars.begin(), sidecars.end(), cs.name) != sidecars.end();
      std::string line = "pod/" + pod_name + "/" + cs.name + ": ";
      if (const auto* t = std::get_if<plan::TerminatedState>(&cs.state)) {
        line += "exit " + std::to_string(t->exit_code) + " (" + std::string(plan::name_of(t->reason)) + ")";
        if (t->exit_code != 0 && report.exit_code == 0 && job && !sidecar) report.exit_code = t->exit_code;
      } else if (std::holds_alternative<plan::RunningState>(cs.state)) {
        line += job ? "running" : "running (service)";
      } else {
        line += "waiting (" + std::string(plan::name_of(std::get<plan::WaitingState>(cs.state).reason)) + ")";
      }
      if (cs.restart_count > 0)
        line += ", " + std::to_string(cs.restart_count) + " restart" + (cs.restart_count == 1 ? "" : "s");
      report.lines.push_back(line);
    }
  if (job && st.phase == PodPhase::Failed && report.exit_code == 0) report.exit_code = 1;
  return report;
}

}  // namespace podctl
