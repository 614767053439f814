// The CLI's decisions over typed status: apply's action, apply --wait's and run's verdicts, and
// run's report; and status.json's round trip through the one place that writes and reads it.
#include <gtest/gtest.h>

#include "manifests/serialize.h"
#include "orchestrator/cli/pod_verdicts.h"
#include "orchestrator/status/pod_status_json.h"

namespace podctl {
namespace {

using namespace plan;
using manifest::RestartPolicy;

ContainerStatus container(const std::string& name, ContainerState state, std::optional<TerminatedState> last = {}) {
  ContainerStatus cs;
  cs.name = name;
  cs.state = std::move(state);
  cs.last_state = std::move(last);
  return cs;
}

PodStatus pod_status(PodPhase phase, std::vector<ContainerStatus> containers, bool ready = false) {
  PodStatus st;
  st.phase = phase;
  st.containers = std::move(containers);
  st.conditions = {{ConditionType::Ready, ready, "t"}};
  return st;
}

TerminatedState terminated(int code, TerminatedReason reason, std::string message = "") {
  return {code, reason, std::move(message), "t0", "t1", ""};
}

TEST(ApplyWaitVerdict, AServiceIsDoneWhenReadyAndAJobWhenSucceeded) {
  auto running = pod_status(PodPhase::Running, {container("web", RunningState{"t"})}, true);
  EXPECT_EQ(apply_wait_verdict(running, RestartPolicy::Always).verdict, WatchVerdict::kMet);
  EXPECT_EQ(apply_wait_verdict(running, RestartPolicy::Never).verdict, WatchVerdict::kNotYet);
  EXPECT_EQ(apply_wait_verdict(pod_status(PodPhase::Succeeded, {}), RestartPolicy::Never).detail, "Succeeded");
}

TEST(ApplyWaitVerdict, WhatCannotGetBetterFailsAtOnceAndACrashLoopIsWaitedFor) {
  auto config = pod_status(
      PodPhase::Pending,
      {container("web", WaitingState{WaitingReason::CreateContainerConfigError, "configmap \"cfg\" not found"})});
  EXPECT_EQ(apply_wait_verdict(config, RestartPolicy::Always).detail,
            "container web: CreateContainerConfigError: configmap \"cfg\" not found");
  auto never =
      pod_status(PodPhase::Pending, {container("web", WaitingState{WaitingReason::ErrImageNeverPull, "not present"})});
  EXPECT_EQ(apply_wait_verdict(never, RestartPolicy::Always).detail, "container web: ErrImageNeverPull: not present");
  auto start =
      pod_status(PodPhase::Running, {container("web", WaitingState{WaitingReason::CrashLoopBackOff, ""},
                                               terminated(128, TerminatedReason::StartError, "no such file"))});
  EXPECT_EQ(apply_wait_verdict(start, RestartPolicy::Always).verdict, WatchVerdict::kFailed);
  auto loop = pod_status(PodPhase::Running, {container("web", WaitingState{WaitingReason::CrashLoopBackOff, ""},
                                                       terminated(3, TerminatedReason::Error))});
  auto v = apply_wait_verdict(loop, RestartPolicy::Always);
  EXPECT_EQ(v.verdict, WatchVerdict::kNotYet);
  EXPECT_EQ(v.detail, "container web in CrashLoopBackOff (last exit code 3), not Ready");
  EXPECT_EQ(apply_wait_verdict(pod_status(PodPhase::Unknown, {}), RestartPolicy::Always).detail, "phase Unknown");
}

TEST(RunVerdict, FinishedOnceTerminalAndNothingRuns) {
  auto sidecar_left = pod_status(PodPhase::Succeeded, {container("test", terminated(0, TerminatedReason::Completed))});
  sidecar_left.init_containers = {container("db", RunningState{"t"})};
  EXPECT_EQ(run_verdict(sidecar_left, "job").verdict, WatchVerdict::kNotYet);
  sidecar_left.init_containers[0].state = terminated(143, TerminatedReason::Error);
  EXPECT_EQ(run_verdict(sidecar_left, "job").detail, "Succeeded");
  EXPECT_EQ(run_verdict(pod_status(PodPhase::Unknown, {}), "job").detail, "the supervisor of pod job is gone");
}

TEST(RunReport, LinesPerContainerAndTheFirstFailuresExitCode) {
  auto st = pod_status(PodPhase::Failed, {container("a", terminated(0, TerminatedReason::Completed)),
                                          container("b", terminated(3, TerminatedReason::Error)),
                                          container("c", WaitingState{WaitingReason::ImagePullBackOff, ""})});
  st.containers[1].restart_count = 1;
  auto report = run_report("job", st, true);
  EXPECT_EQ(report.lines,
            (std::vector<std::string>{"pod/job/a: exit 0 (Completed)", "pod/job/b: exit 3 (Error), 1 restart",
                                      "pod/job/c: waiting (ImagePullBackOff)"}));
  EXPECT_EQ(report.exit_code, 3);
  EXPECT_EQ(run_report("svc", st, false).exit_code, 0);
  auto failed_zero = pod_status(PodPhase::Failed, {container("a", terminated(0, TerminatedReason::Completed))});
  EXPECT_EQ(run_report("job", failed_zero, true).exit_code, 1);
}

TEST(RunReport, ASidecarKilledAtTheEndDoesNotFailTheJob) {
  auto st = pod_status(PodPhase::Succeeded, {container("test", terminated(0, TerminatedReason::Completed))});
  st.init_containers = {container("httpd", terminated(137, TerminatedReason::Error))};
  EXPECT_EQ(run_report("job", st, true, {"httpd"}).exit_code, 0);
  EXPECT_EQ(run_report("job", st, true).exit_code, 137);  // a regular init container's failure counts
}

TEST(PlanApply, CreatesLeavesUpdatesReplacesOrHeals) {
  manifest::Pod pod;
  pod.metadata.name = "web";
  pod.spec.containers.push_back({.name = "a", .image = "busybox:1.35"});
  EXPECT_EQ(plan_apply(std::nullopt, pod), PodAction::Create);
  PodRecord existing;
  existing.supervisor_alive = true;
  existing.spec_hash = manifest::pod_hash(pod);
  existing.pod_level_hash = manifest::pod_level_hash(pod);
  EXPECT_EQ(plan_apply(existing, pod), PodAction::Unchanged);
  manifest::Pod changed = pod;
  changed.spec.containers[0].args = {"sleep", "1"};
  EXPECT_EQ(plan_apply(existing, changed), PodAction::Update);
  changed.spec.hostname = "other";
  EXPECT_EQ(plan_apply(existing, changed), PodAction::Replace);
  existing.supervisor_alive = false;
  EXPECT_EQ(plan_apply(existing, pod), PodAction::Heal);
}

TEST(PodStatusJson, RoundTripsEveryStateAndRefusesUnknownReasons) {
  PodStatus st =
      pod_status(PodPhase::Running, {container("a", RunningState{"t"}, terminated(1, TerminatedReason::OOMKilled)),
                                     container("b", WaitingState{WaitingReason::CrashLoopBackOff, "back-off"})});
  st.init_containers = {container("i", terminated(0, TerminatedReason::Completed))};
  st.containers[0].container_id = "podctl://abc";
  st.containers[0].restart_count = 2;
  st.pod_ip = "10.88.0.2";
  auto json = to_json(st);
  EXPECT_EQ(json["containerStatuses"][1]["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(json["containerStatuses"][0]["lastState"]["terminated"]["reason"], "OOMKilled");
  EXPECT_EQ(parse_pod_status(json), st);
  json["containerStatuses"][1]["state"]["waiting"]["reason"] = "CrashLoopBackoff";  // a typo
  auto bad = parse_pod_status(json);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown waiting reason \"CrashLoopBackoff\""), std::string::npos);
}

}  // namespace
}  // namespace podctl
