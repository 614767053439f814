// The StatefulSet controller's decisions as whole plans.
#include "orchestrator/plan/stateful_set_plan.h"

#include <gtest/gtest.h>

namespace podctl::plan {
namespace {

OrdinalPod ready_pod(const std::string& name, const std::string& revision = "r1") {
  return {name, revision, "Running", true, false, false};
}

StatefulSetSpec spec(int64_t replicas, const std::string& revision = "r1") {
  StatefulSetSpec s;
  s.replicas = replicas;
  s.update_revision = revision;
  return s;
}

TEST(StatefulSetPlan, OrderedReadyMakesOnePodAtATimeInOrder) {
  EXPECT_EQ(plan_stateful_set(spec(3), {}).create, std::vector<int64_t>{0});
  auto starting = ready_pod("db-0");
  starting.ready = false;
  EXPECT_TRUE(plan_stateful_set(spec(3), {{0, starting}}).create.empty());
  EXPECT_EQ(plan_stateful_set(spec(3), {{0, ready_pod("db-0")}}).create, std::vector<int64_t>{1});
}

TEST(StatefulSetPlan, ParallelMakesThemAllAtOnce) {
  auto s = spec(3);
  s.parallel = true;
  EXPECT_EQ(plan_stateful_set(s, {}).create, (std::vector<int64_t>{0, 1, 2}));
}

TEST(StatefulSetPlan, ScaleDownRemovesTheHighestOrdinalFirst) {
  std::map<int64_t, OrdinalPod> pods = {{0, ready_pod("db-0")}, {1, ready_pod("db-1")}, {2, ready_pod("db-2")}};
  auto p = plan_stateful_set(spec(1), pods);
  EXPECT_EQ(p.remove, std::vector<std::string>{"db-2"});
  EXPECT_EQ(p.replicas, 3);
}

TEST(StatefulSetPlan, ALostPodIsCleanedUpAndMadeAgainUnderItsName) {
  auto lost = ready_pod("db-0");
  lost.lost = true;
  auto p = plan_stateful_set(spec(2), {{0, lost}, {1, ready_pod("db-1")}});
  EXPECT_EQ(p.clean_up, std::vector<std::string>{"db-0"});
  EXPECT_EQ(p.create, std::vector<int64_t>{0});
}

TEST(StatefulSetPlan, RollingUpdateGoesFromTheHighestOrdinalDownToThePartition) {
  std::map<int64_t, OrdinalPod> pods = {{0, ready_pod("db-0")}, {1, ready_pod("db-1")}, {2, ready_pod("db-2")}};
  EXPECT_EQ(plan_stateful_set(spec(3, "r2"), pods).remove, std::vector<std::string>{"db-2"});
  pods[2] = ready_pod("db-2", "r2");
  EXPECT_EQ(plan_stateful_set(spec(3, "r2"), pods).remove, std::vector<std::string>{"db-1"});
  auto partitioned = spec(3, "r2");
  partitioned.partition = 2;
  EXPECT_TRUE(plan_stateful_set(partitioned, pods).remove.empty());
  auto on_delete = spec(3, "r2");
  on_delete.on_delete = true;
  EXPECT_TRUE(plan_stateful_set(on_delete, pods).remove.empty());
  // Nothing is updated while a pod is not ready.
  pods[0].ready = false;
  EXPECT_TRUE(plan_stateful_set(spec(3, "r2"), pods).remove.empty());
}

}  // namespace
}  // namespace podctl::plan
