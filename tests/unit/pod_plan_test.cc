// Whole-plan tables for the pod planner, in the style of the kubelet's TestComputePodActions.
#include <gtest/gtest.h>

#include "tests/support/param_name.h"

#include "orchestrator/plan/pod_plan.h"

namespace podctl::plan {
namespace {

const BackoffPolicy kPolicy{10'000, 300'000};
constexpr Millis kNow = 1'000'000;

manifest::PodSpec spec_with(const std::string& policy, size_t containers = 2) {
  manifest::PodSpec s;
  s.restart_policy = policy;
  for (size_t i = 0; i < containers; ++i) s.containers.push_back({.name = "c" + std::to_string(i)});
  return s;
}

ObservedContainer running() { return {.state = RunState::Running, .starts = 1}; }
ObservedContainer exited(int code, Millis at = kNow - 1'000, std::optional<BackoffEntry> b = std::nullopt) {
  return {.state = RunState::Exited, .exit_code = code, .finished_at = at, .backoff = b, .starts = 1};
}

struct PlanCase {
  const char* title;
  std::string policy;
  std::vector<ObservedContainer> observed;
  bool deleted;
  PodPlan expected;
};

void PrintTo(const PlanCase& c, std::ostream* os) { *os << c.title; }

class PlanTable : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanTable, ComputesTheWholePlan) {
  const auto& c = GetParam();
  ObservedPod observed{.containers = c.observed};
  if (c.deleted) observed.shutdown = Shutdown{.pod_deleted = true, .grace_ms = 30'000, .deadline = kNow + 30'000};
  EXPECT_EQ(plan_pod(spec_with(c.policy, c.observed.size()), observed, kPolicy, kNow), c.expected)
      << plan_pod(spec_with(c.policy, c.observed.size()), observed, kPolicy, kNow).to_string();
}

const BackoffEntry kTen{10'000, kNow - 1'000};

const PlanCase kPlanCases[] = {
    {"start containers not yet started", "Always", {{}, {}}, false, {.start = {0, 1}, .spec_applied = true}},
    {"nothing to do when all run", "Always", {running(), running()}, false, {.spec_applied = true}},
    {"restart exited container at once the first time (Always)",
     "Always",
     {running(), exited(0)},
     false,
     {.start = {1}, .backoff_updates = {{1, BackoffEntry{10'000, kNow}}}, .spec_applied = true}},
    {"restart failed container (OnFailure)",
     "OnFailure",
     {exited(3), running()},
     false,
     {.start = {0}, .backoff_updates = {{0, BackoffEntry{10'000, kNow}}}, .spec_applied = true}},
    {"do not restart succeeded container (OnFailure)",
     "OnFailure",
     {exited(0), running()},
     false,
     {.spec_applied = true}},
    {"never restart (Never)", "Never", {exited(4), exited(0)}, false, {.spec_applied = true}},
    {"hold a crash-looping container until the backoff ends",
     "Always",
     {exited(1, kNow - 1'000, kTen), running()},
     false,
     {.back_off_until = {{0, kNow + 9'000}}, .spec_applied = true, .wake_at = kNow + 9'000}},
    {"restart when the backoff ended, doubling it",
     "Always",
     {exited(1, kNow - 10'000, kTen), running()},
     false,
     {.start = {0}, .backoff_updates = {{0, BackoffEntry{20'000, kNow}}}, .spec_applied = true}},
    {"wake at the earliest backoff end",
     "Always",
     {exited(1, kNow - 1'000, kTen), exited(1, kNow - 5'000, kTen)},
     false,
     {.back_off_until = {{0, kNow + 9'000}, {1, kNow + 5'000}}, .spec_applied = true, .wake_at = kNow + 5'000}},
    {"start nothing while terminating", "Always", {exited(1), {}}, true, {.shutdown_complete = true}},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlanTable, ::testing::ValuesIn(kPlanCases),
                         [](const ::testing::TestParamInfo<PlanCase>& p) { return test::param_name(p.param.title); });

TEST(PodPhase, FollowsTheKubelet) {
  auto phase = [](const std::string& policy, std::vector<ObservedContainer> cs, bool deleted = false) {
    return pod_phase(spec_with(policy, cs.size()), ObservedPod{.containers = cs, .deleted = deleted});
  };
  EXPECT_EQ(phase("Always", {{}, running()}), PodPhase::Pending);
  EXPECT_EQ(phase("Always", {running(), exited(1)}), PodPhase::Running);
  EXPECT_EQ(phase("Always", {exited(1), exited(0)}), PodPhase::Running);  // they will be restarted
  EXPECT_EQ(phase("OnFailure", {exited(0), exited(0)}), PodPhase::Succeeded);
  EXPECT_EQ(phase("OnFailure", {exited(2), exited(0)}), PodPhase::Running);
  EXPECT_EQ(phase("Never", {exited(4), exited(0)}), PodPhase::Failed);
  EXPECT_EQ(phase("Never", {exited(0), exited(0)}), PodPhase::Succeeded);
  EXPECT_EQ(phase("Always", {exited(137), exited(0)}, true), PodPhase::Failed);
}

TEST(ShouldRestart, IsThePolicyTable) {
  EXPECT_TRUE(should_restart(manifest::RestartPolicy::Always, 0));
  EXPECT_TRUE(should_restart(manifest::RestartPolicy::Always, 1));
  EXPECT_FALSE(should_restart(manifest::RestartPolicy::OnFailure, 0));
  EXPECT_TRUE(should_restart(manifest::RestartPolicy::OnFailure, 1));
  EXPECT_FALSE(should_restart(manifest::RestartPolicy::Never, 1));
}

}  // namespace
}  // namespace podctl::plan

namespace podctl::plan {
namespace {

// Init containers: the observed list and plan indexes hold them first, then the app containers.
manifest::PodSpec spec_with_init(const std::string& policy, size_t init, size_t app) {
  manifest::PodSpec s = spec_with(policy, app);
  for (size_t i = 0; i < init; ++i) s.init_containers.push_back({.name = "init" + std::to_string(i)});
  return s;
}

PodPlan plan_of(const std::string& policy, size_t init, size_t app, std::vector<ObservedContainer> cs) {
  return plan_pod(spec_with_init(policy, init, app), ObservedPod{.containers = std::move(cs)}, kPolicy, kNow);
}

TEST(InitPlan, StartsOnlyTheFirstInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 1, {{}, {}, {}}), (PodPlan{.start = {0}, .spec_applied = true}));
}

TEST(InitPlan, WaitsForTheRunningInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 1, {running(), {}, {}}), PodPlan{.spec_applied = true});
}

TEST(InitPlan, StartsTheNextOnceThePreviousSucceeded) {
  EXPECT_EQ(plan_of("Always", 2, 1, {exited(0), {}, {}}), (PodPlan{.start = {1}, .spec_applied = true}));
}

TEST(InitPlan, StartsAppContainersOnlyAfterEveryInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 2, {exited(0), exited(0), {}, {}}), (PodPlan{.start = {2, 3}, .spec_applied = true}));
}

TEST(InitPlan, RestartsAFailedInitContainerWithBackoffUnlessNever) {
  EXPECT_EQ(plan_of("OnFailure", 1, 1, {exited(1), {}}),
            (PodPlan{.start = {0}, .backoff_updates = {{0, BackoffEntry{10'000, kNow}}}, .spec_applied = true}));
  EXPECT_EQ(plan_of("Always", 1, 1, {exited(1, kNow - 1'000, kTen), {}}),
            (PodPlan{.back_off_until = {{0, kNow + 9'000}}, .spec_applied = true, .wake_at = kNow + 9'000}));
  EXPECT_EQ(plan_of("Never", 1, 1, {exited(1), {}}), PodPlan{.spec_applied = true});
}

TEST(InitPhase, PendingUntilInitializedAndFailedWhenInitFailsUnderNever) {
  auto phase = [](const std::string& policy, std::vector<ObservedContainer> cs) {
    return pod_phase(spec_with_init(policy, 1, 1), ObservedPod{.containers = cs});
  };
  EXPECT_EQ(phase("Always", {running(), {}}), PodPhase::Pending);
  EXPECT_EQ(phase("OnFailure", {exited(1), {}}), PodPhase::Pending);
  EXPECT_EQ(phase("Never", {exited(1), {}}), PodPhase::Failed);
  EXPECT_EQ(phase("Never", {exited(0), running()}), PodPhase::Running);
  EXPECT_EQ(phase("Never", {exited(0), exited(0)}), PodPhase::Succeeded);
  EXPECT_TRUE(initialized(spec_with_init("Always", 1, 1), ObservedPod{.containers = {exited(0), {}}}));
  EXPECT_FALSE(initialized(spec_with_init("Always", 1, 1), ObservedPod{.containers = {running(), {}}}));
}

}  // namespace
}  // namespace podctl::plan

namespace podctl::plan {
namespace {

// Sidecars (restartable init containers), probes and the kills they cause.
manifest::PodSpec sidecar_spec(const std::string& policy, std::vector<bool> sidecar, size_t app) {
  manifest::PodSpec s = spec_with(policy, app);
  for (size_t i = 0; i < sidecar.size(); ++i) {
    manifest::Container c{.name = "init" + std::to_string(i)};
    if (sidecar[i]) c.restart_policy = "Always";
    s.init_containers.push_back(c);
  }
  return s;
}

ObservedContainer started() {
  ObservedContainer c = running();
  c.started = true;
  return c;
}

PodPlan sidecar_plan(const std::string& policy, std::vector<bool> sidecar, size_t app,
                     std::vector<ObservedContainer> cs, bool initialized_once = false) {
  return plan_pod(sidecar_spec(policy, sidecar, app),
                  ObservedPod{.containers = std::move(cs), .initialized_once = initialized_once}, kPolicy, kNow);
}

TEST(SidecarPlan, TheNextInitContainerWaitsUntilTheSidecarHasStarted) {
  EXPECT_EQ(sidecar_plan("Never", {true, false}, 1, {{}, {}, {}}).start, std::vector<size_t>{0});
  EXPECT_TRUE(sidecar_plan("Never", {true, false}, 1, {running(), {}, {}}).start.empty());
  EXPECT_EQ(sidecar_plan("Never", {true, false}, 1, {started(), {}, {}}).start, std::vector<size_t>{1});
  EXPECT_EQ(sidecar_plan("Never", {true, false}, 1, {started(), exited(0), {}}).start, std::vector<size_t>{2});
}

TEST(SidecarPlan, ASidecarIsRestartedWhateverThePodPolicyWithBackoff) {
  auto now = sidecar_plan("Never", {true}, 1, {exited(0), running()}, true);
  EXPECT_EQ(now.start, std::vector<size_t>{0});
  EXPECT_EQ(now.backoff_updates.at(0), (BackoffEntry{10'000, kNow}));
  auto held = sidecar_plan("Never", {true}, 1, {exited(1, kNow - 1'000, kTen), running()}, true);
  EXPECT_EQ(held.back_off_until, (std::map<size_t, Millis>{{0, kNow + 9'000}}));
  EXPECT_TRUE(held.start.empty());
}

TEST(SidecarPlan, AnExitedSidecarHoldsBackInitializationOnlyBeforeThePodWasInitialized) {
  EXPECT_EQ(sidecar_plan("Always", {true}, 1, {exited(1), {}}).start, std::vector<size_t>{0});
  EXPECT_EQ(sidecar_plan("Always", {true}, 1, {exited(1), {}}, true).start, (std::vector<size_t>{0, 1}));
}

TEST(SidecarPlan, SidecarsStopOnceEveryRegularContainerIsDoneForGood) {
  auto done = sidecar_plan("Never", {true, true}, 2, {started(), started(), exited(0), exited(3)}, true);
  EXPECT_TRUE(done.stop_sidecars);
  EXPECT_TRUE(done.start.empty());
  EXPECT_FALSE(sidecar_plan("OnFailure", {true}, 1, {started(), exited(3)}, true).stop_sidecars);
  EXPECT_FALSE(sidecar_plan("Never", {true}, 2, {started(), exited(0), running()}, true).stop_sidecars);
  // A sidecar that exits then is not restarted.
  EXPECT_TRUE(sidecar_plan("Never", {true}, 1, {exited(143), exited(0)}, true).start.empty());
}

TEST(SidecarPhase, SidecarsDoNotDecideThePhase) {
  auto spec = sidecar_spec("Never", {true}, 1);
  EXPECT_EQ(pod_phase(spec, ObservedPod{.containers = {running(), {}}}), PodPhase::Pending);
  EXPECT_EQ(pod_phase(spec, ObservedPod{.containers = {started(), running()}, .initialized_once = true}),
            PodPhase::Running);
  EXPECT_EQ(pod_phase(spec, ObservedPod{.containers = {started(), exited(0)}, .initialized_once = true}),
            PodPhase::Succeeded);
  EXPECT_EQ(pod_phase(spec, ObservedPod{.containers = {exited(1), exited(2)}, .initialized_once = true}),
            PodPhase::Failed);
  EXPECT_TRUE(initialized(spec, ObservedPod{.containers = {started(), {}}}));
  EXPECT_FALSE(initialized(spec, ObservedPod{.containers = {running(), {}}}));
}

manifest::Probe probe_with_grace(std::optional<int64_t> grace) {
  manifest::Probe p;
  p.handler.tcp_socket = manifest::TcpSocketAction{};
  p.termination_grace_period_seconds = grace;
  return p;
}

TEST(ProbePlan, AFailedLivenessProbeKillsAStartedContainerWithItsGracePeriod) {
  auto spec = spec_with("Always", 1);
  spec.containers[0].liveness_probe = probe_with_grace(std::nullopt);
  ObservedContainer c = started();
  c.liveness = ProbeResult::Failure;
  auto p = plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow);
  EXPECT_EQ(p.kill,
            (std::map<size_t, ContainerKill>{
                {0, {KillReason::LivenessProbe, "Container c0 failed liveness probe, will be restarted", 30'000}}}));
  spec.restart_policy = "Never";
  spec.containers[0].liveness_probe = probe_with_grace(5);
  EXPECT_EQ(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).kill.at(0),
            (ContainerKill{KillReason::LivenessProbe, "Container c0 failed liveness probe", 5'000}));
}

TEST(ProbePlan, AFailedStartupProbeKillsAndLivenessWaitsForTheStart) {
  auto spec = spec_with("Always", 1);
  spec.containers[0].startup_probe = probe_with_grace(std::nullopt);
  spec.containers[0].liveness_probe = probe_with_grace(std::nullopt);
  ObservedContainer c = running();
  c.startup = ProbeResult::Failure;
  EXPECT_EQ(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).kill.at(0).reason, KillReason::StartupProbe);
  c.startup = ProbeResult::Unknown;
  c.liveness = ProbeResult::Failure;  // not started yet: liveness does not count
  EXPECT_TRUE(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).kill.empty());
}

TEST(ProbePlan, AContainerAlreadyStoppingIsNotKilledAgain) {
  auto spec = spec_with("Always", 1);
  spec.containers[0].liveness_probe = probe_with_grace(std::nullopt);
  ObservedContainer c = started();
  c.liveness = ProbeResult::Failure;
  c.stop = StopPhase::Signalled;
  EXPECT_TRUE(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).kill.empty());
}

}  // namespace
}  // namespace podctl::plan

namespace podctl::plan {
namespace {

TEST(CreateErrorPlan, AContainerThatNeverRanIsRetriedWhateverThePolicyAndKeepsThePodPending) {
  ObservedContainer c = exited(128);
  c.create_error = true;
  auto spec = spec_with("Never", 1);
  EXPECT_EQ(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).start, std::vector<size_t>{0});
  c.backoff = kTen;
  EXPECT_EQ(plan_pod(spec, ObservedPod{.containers = {c}}, kPolicy, kNow).back_off_until,
            (std::map<size_t, Millis>{{0, kNow + 9'000}}));
  EXPECT_EQ(pod_phase(spec, ObservedPod{.containers = {c}}), PodPhase::Pending);
  auto with_init = spec_with_init("Never", 1, 1);
  EXPECT_EQ(pod_phase(with_init, ObservedPod{.containers = {c, {}}}), PodPhase::Pending);
  EXPECT_EQ(plan_pod(with_init, ObservedPod{.containers = {c, {}}}, kPolicy, kNow).back_off_until.size(), 1u);
}

}  // namespace
}  // namespace podctl::plan
