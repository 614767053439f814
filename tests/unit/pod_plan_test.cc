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

ObservedContainer running() { return {ContainerState::Running, 0, 0, std::nullopt}; }
ObservedContainer exited(int code, Millis at = kNow - 1'000, std::optional<BackoffEntry> b = std::nullopt) {
  return {ContainerState::Exited, code, at, b};
}

struct PlanCase {
  const char* title;
  std::string policy;
  std::vector<ObservedContainer> observed;
  bool terminating;
  PodPlan expected;
};

void PrintTo(const PlanCase& c, std::ostream* os) { *os << c.title; }

class PlanTable : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanTable, ComputesTheWholePlan) {
  const auto& c = GetParam();
  ObservedPod observed{c.observed, c.terminating};
  EXPECT_EQ(plan_pod(spec_with(c.policy, c.observed.size()), observed, kPolicy, kNow), c.expected)
      << plan_pod(spec_with(c.policy, c.observed.size()), observed, kPolicy, kNow).to_string();
}

const BackoffEntry kTen{10'000, kNow - 1'000};

const PlanCase kPlanCases[] = {
    {"start containers not yet started", "Always", {{}, {}}, false, {{0, 1}, {}, {}, std::nullopt}},
    {"nothing to do when all run", "Always", {running(), running()}, false, {}},
    {"restart exited container at once the first time (Always)", "Always", {running(), exited(0)}, false,
     {{1}, {{1, BackoffEntry{10'000, kNow}}}, {}, std::nullopt}},
    {"restart failed container (OnFailure)", "OnFailure", {exited(3), running()}, false,
     {{0}, {{0, BackoffEntry{10'000, kNow}}}, {}, std::nullopt}},
    {"do not restart succeeded container (OnFailure)", "OnFailure", {exited(0), running()}, false, {}},
    {"never restart (Never)", "Never", {exited(4), exited(0)}, false, {}},
    {"hold a crash-looping container until the backoff ends", "Always", {exited(1, kNow - 1'000, kTen), running()},
     false, {{}, {}, {{0, kNow + 9'000}}, kNow + 9'000}},
    {"restart when the backoff ended, doubling it", "Always", {exited(1, kNow - 10'000, kTen), running()}, false,
     {{0}, {{0, BackoffEntry{20'000, kNow}}}, {}, std::nullopt}},
    {"wake at the earliest backoff end", "Always",
     {exited(1, kNow - 1'000, kTen), exited(1, kNow - 5'000, kTen)}, false,
     {{}, {}, {{0, kNow + 9'000}, {1, kNow + 5'000}}, kNow + 5'000}},
    {"start nothing while terminating", "Always", {exited(1), {}}, true, {}},
};

INSTANTIATE_TEST_SUITE_P(Rules, PlanTable, ::testing::ValuesIn(kPlanCases),
                         [](const ::testing::TestParamInfo<PlanCase>& p) { return test::param_name(p.param.title); });

TEST(PodPhase, FollowsTheKubelet) {
  auto phase = [](const std::string& policy, std::vector<ObservedContainer> cs, bool terminating = false) {
    return pod_phase(spec_with(policy, cs.size()), ObservedPod{cs, terminating});
  };
  EXPECT_EQ(phase("Always", {{}, running()}), "Pending");
  EXPECT_EQ(phase("Always", {running(), exited(1)}), "Running");
  EXPECT_EQ(phase("Always", {exited(1), exited(0)}), "Running");  // they will be restarted
  EXPECT_EQ(phase("OnFailure", {exited(0), exited(0)}), "Succeeded");
  EXPECT_EQ(phase("OnFailure", {exited(2), exited(0)}), "Running");
  EXPECT_EQ(phase("Never", {exited(4), exited(0)}), "Failed");
  EXPECT_EQ(phase("Never", {exited(0), exited(0)}), "Succeeded");
  EXPECT_EQ(phase("Always", {exited(137), exited(0)}, true), "Failed");
}

TEST(ShouldRestart, IsThePolicyTable) {
  EXPECT_TRUE(should_restart("Always", 0));
  EXPECT_TRUE(should_restart("Always", 1));
  EXPECT_FALSE(should_restart("OnFailure", 0));
  EXPECT_TRUE(should_restart("OnFailure", 1));
  EXPECT_FALSE(should_restart("Never", 1));
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
  return plan_pod(spec_with_init(policy, init, app), ObservedPod{std::move(cs), false}, kPolicy, kNow);
}

TEST(InitPlan, StartsOnlyTheFirstInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 1, {{}, {}, {}}), (PodPlan{{0}, {}, {}, std::nullopt}));
}

TEST(InitPlan, WaitsForTheRunningInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 1, {running(), {}, {}}), PodPlan{});
}

TEST(InitPlan, StartsTheNextOnceThePreviousSucceeded) {
  EXPECT_EQ(plan_of("Always", 2, 1, {exited(0), {}, {}}), (PodPlan{{1}, {}, {}, std::nullopt}));
}

TEST(InitPlan, StartsAppContainersOnlyAfterEveryInitContainer) {
  EXPECT_EQ(plan_of("Always", 2, 2, {exited(0), exited(0), {}, {}}), (PodPlan{{2, 3}, {}, {}, std::nullopt}));
}

TEST(InitPlan, RestartsAFailedInitContainerWithBackoffUnlessNever) {
  EXPECT_EQ(plan_of("OnFailure", 1, 1, {exited(1), {}}), (PodPlan{{0}, {{0, BackoffEntry{10'000, kNow}}}, {}, std::nullopt}));
  EXPECT_EQ(plan_of("Always", 1, 1, {exited(1, kNow - 1'000, kTen), {}}),
            (PodPlan{{}, {}, {{0, kNow + 9'000}}, kNow + 9'000}));
  EXPECT_EQ(plan_of("Never", 1, 1, {exited(1), {}}), PodPlan{});
}

TEST(InitPhase, PendingUntilInitializedAndFailedWhenInitFailsUnderNever) {
  auto phase = [](const std::string& policy, std::vector<ObservedContainer> cs) {
    return pod_phase(spec_with_init(policy, 1, 1), ObservedPod{cs, false});
  };
  EXPECT_EQ(phase("Always", {running(), {}}), "Pending");
  EXPECT_EQ(phase("OnFailure", {exited(1), {}}), "Pending");
  EXPECT_EQ(phase("Never", {exited(1), {}}), "Failed");
  EXPECT_EQ(phase("Never", {exited(0), running()}), "Running");
  EXPECT_EQ(phase("Never", {exited(0), exited(0)}), "Succeeded");
  EXPECT_TRUE(initialized(spec_with_init("Always", 1, 1), ObservedPod{{exited(0), {}}, false}));
  EXPECT_FALSE(initialized(spec_with_init("Always", 1, 1), ObservedPod{{running(), {}}, false}));
}

}  // namespace
}  // namespace podctl::plan
