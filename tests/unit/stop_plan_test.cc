// Whole-plan tables for the decisions the planner took over from the supervisor: stops and their
// deadlines, the order of a pod's shutdown, a lost sandbox, a changed spec, a failed postStart hook.
#include <gtest/gtest.h>

#include "orchestrator/plan/pod_plan.h"
#include "tests/support/param_name.h"

namespace podctl::plan {
namespace {

const BackoffPolicy kPolicy{10'000, 300'000};
constexpr Millis kNow = 1'000'000;

// One sidecar (0, "proxy") and two app containers (1 "a" with a preStop hook, 2 "b").
manifest::PodSpec spec_of(const std::string& policy) {
  manifest::PodSpec s;
  s.restart_policy = policy;
  s.termination_grace_period_seconds = 30;
  manifest::Container proxy{.name = "proxy"};
  proxy.restart_policy = "Always";
  s.init_containers.push_back(proxy);
  manifest::Container a{.name = "a"};
  a.lifecycle = manifest::Lifecycle{};
  a.lifecycle->pre_stop = manifest::Handler{};
  a.lifecycle->pre_stop->sleep = manifest::SleepAction{1};
  s.containers.push_back(a);
  s.containers.push_back({.name = "b"});
  return s;
}

ObservedContainer running() { return {.state = RunState::Running, .starts = 1, .started = true}; }
ObservedContainer exited(int code) {
  return {.state = RunState::Exited, .exit_code = code, .finished_at = kNow - 1'000, .starts = 1};
}
ObservedContainer signalled(Millis kill_at) {
  ObservedContainer c = running();
  c.stop = StopPhase::Signalled;
  c.kill_at = kill_at;
  return c;
}
ObservedContainer pre_stop_done(Millis grace_end) {
  ObservedContainer c = running();
  c.stop = StopPhase::PreStopDone;
  c.grace_end = grace_end;
  return c;
}
ContainerKill stopping(const char* name, Millis grace, bool pre_stop = false) {
  return {KillReason::PodTermination, std::string("Stopping container ") + name, grace, pre_stop};
}
Shutdown deleted(Millis grace_ms, Millis deadline) { return {true, grace_ms, deadline}; }

struct StopCase {
  const char* title;
  std::vector<ObservedContainer> observed;
  std::optional<Shutdown> shutdown;
  PodPlan expected;
};

void PrintTo(const StopCase& c, std::ostream* os) { *os << c.title; }

class StopTable : public ::testing::TestWithParam<StopCase> {};

TEST_P(StopTable, ComputesTheWholePlan) {
  const auto& c = GetParam();
  ObservedPod observed{.containers = c.observed, .initialized_once = true, .shutdown = c.shutdown};
  auto plan = plan_pod(spec_of("Always"), observed, kPolicy, kNow);
  EXPECT_EQ(plan, c.expected) << plan.to_string();
}

const StopCase kStopCases[] = {
    {"a delete stops the regular containers together, preStop first",
     {running(), running(), running()},
     deleted(30'000, kNow + 30'000),
     {.kill = {{1, stopping("a", 30'000, true)}, {2, stopping("b", 30'000)}}, .wake_at = kNow + 30'000}},
    {"the sidecar waits while a regular container stops",
     {running(), signalled(kNow + 20'000), exited(143)},
     deleted(30'000, kNow + 30'000),
     {.wake_at = kNow + 20'000}},
    {"the sidecar goes once the regular containers are gone, with what is left of the grace",
     {running(), exited(143), exited(0)},
     deleted(30'000, kNow + 5'000),
     {.kill = {{0, stopping("proxy", 5'000)}}, .wake_at = kNow + 5'000}},
    {"what is left is never under 2 s",
     {running(), exited(143), exited(0)},
     deleted(30'000, kNow + 500),
     {.kill = {{0, stopping("proxy", 2'000)}}, .wake_at = kNow + 500}},
    {"past the deadline everything left stops within 2 s",
     {running(), signalled(kNow + 20'000), exited(0)},
     deleted(30'000, kNow),
     {.kill = {{0, stopping("proxy", 2'000)}}, .kill_at = {{1, kNow + 2'000}}, .wake_at = kNow + 20'000}},
    {"a stop signal's grace over: SIGKILL",
     {running(), signalled(kNow), exited(0)},
     deleted(30'000, kNow + 10'000),
     {.force_kill = {1}, .wake_at = kNow + 10'000}},
    {"no grace: everything at once, no preStop",
     {running(), running(), running()},
     deleted(0, kNow),
     {.kill = {{0, stopping("proxy", 0)}, {1, stopping("a", 0)}, {2, stopping("b", 0)}}}},
    {"no grace after a graceful stop began: SIGKILL for those stopping, at once for the rest",
     {running(), pre_stop_done(kNow + 20'000), signalled(kNow + 25'000)},
     deleted(0, kNow),
     {.kill = {{0, stopping("proxy", 0)}}, .force_kill = {1, 2}, .wake_at = kNow + 25'000}},
    {"preStop done: the stop signal with what is left, at least 2 s",
     {running(), pre_stop_done(kNow + 500), exited(0)},
     deleted(30'000, kNow + 500),
     {.signal = {{1, 2'000}}, .wake_at = kNow + 500}},
    {"the sidecars' own end: last one first, with the pod's grace",
     {running(), exited(0), exited(0)},
     Shutdown{false, 30'000, kNow + 30'000},
     {.kill = {{0, stopping("proxy", 30'000)}}, .wake_at = kNow + 30'000}},
    {"nothing runs any more: complete",
     {exited(143), exited(0), exited(0)},
     deleted(30'000, kNow + 30'000),
     {.shutdown_complete = true}},
    {"a stop under way outside a shutdown still gets its SIGKILL",
     {running(), signalled(kNow - 1), running()},
     std::nullopt,
     {.force_kill = {1}, .spec_applied = true}},
};

INSTANTIATE_TEST_SUITE_P(Rules, StopTable, ::testing::ValuesIn(kStopCases),
                         [](const ::testing::TestParamInfo<StopCase>& p) { return test::param_name(p.param.title); });

TEST(SandboxPlan, ALostSandboxIsRecreatedUnlessNeverAndContainersRan) {
  ObservedPod lost{.containers = {running(), running(), running()}, .sandbox = SandboxState::Lost};
  EXPECT_EQ(plan_pod(spec_of("Always"), lost, kPolicy, kNow), PodPlan{.sandbox = SandboxAction::Recreate});
  EXPECT_EQ(plan_pod(spec_of("Never"), lost, kPolicy, kNow), PodPlan{.sandbox = SandboxAction::Abandon});
  ObservedPod never_ran{.containers = {{}, {}, {}}, .sandbox = SandboxState::Lost};
  EXPECT_EQ(plan_pod(spec_of("Never"), never_ran, kPolicy, kNow), PodPlan{.sandbox = SandboxAction::Recreate});
}

TEST(SandboxPlan, NothingStartsWithoutASandbox) {
  ObservedPod gone{.containers = {{}, {}, {}}, .sandbox = SandboxState::Gone};
  EXPECT_EQ(plan_pod(spec_of("Always"), gone, kPolicy, kNow), PodPlan{});
}

TEST(SpecChangePlan, AnOutdatedContainerIsStoppedThenStartedAfreshWithoutBackoff) {
  ObservedContainer outdated = running();
  outdated.outdated = true;
  ObservedPod pod{.containers = {running(), running(), outdated}, .initialized_once = true};
  EXPECT_EQ(
      plan_pod(spec_of("Never"), pod, kPolicy, kNow),
      (PodPlan{.kill = {{2, {KillReason::SpecChanged, "Container b definition changed, will be restarted", 30'000}}}}));
  ObservedContainer replaced = exited(143);
  replaced.stopped_for = KillReason::SpecChanged;
  replaced.backoff = BackoffEntry{40'000, kNow};
  pod.containers[2] = replaced;
  EXPECT_EQ(plan_pod(spec_of("Never"), pod, kPolicy, kNow), (PodPlan{.start = {2}, .forget_backoff = {2}}));
}

TEST(PostStartPlan, AFailedPostStartHookKillsTheContainerWithThePodsGrace) {
  ObservedContainer failed = running();
  failed.started = false;
  failed.post_start_failed = true;
  ObservedPod pod{.containers = {running(), failed, running()}, .initialized_once = true};
  EXPECT_EQ(plan_pod(spec_of("Always"), pod, kPolicy, kNow),
            (PodPlan{.kill = {{1, {KillReason::PostStartHookFailed, "FailedPostStartHook", 30'000, true}}},
                     .spec_applied = true}));
}

}  // namespace
}  // namespace podctl::plan
