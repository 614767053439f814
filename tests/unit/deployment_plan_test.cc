// The Deployment controller's decisions as whole plans: rolling updates step by step, Recreate,
// history, conditions.
#include "orchestrator/plan/deployment_plan.h"

#include <gtest/gtest.h>

namespace podctl::plan {
namespace {

RolloutSpec rolling(int64_t replicas, manifest::IntOrString surge = {true, 0, "25%"},
                    manifest::IntOrString unavailable = {true, 0, "25%"}) {
  RolloutSpec s;
  s.name = "web";
  s.replicas = replicas;
  s.max_surge = surge;
  s.max_unavailable = unavailable;
  s.template_hash = "new";
  return s;
}

ReplicaSetState set(std::string hash, int64_t revision, int64_t replicas, int64_t available, WallMillis created = 1) {
  ReplicaSetState s;
  s.name = "web-" + hash;
  s.hash = std::move(hash);
  s.revision = revision;
  s.replicas = replicas;
  s.created = created;
  s.pods = {available, available, available};
  s.remaining = available;
  return s;
}

manifest::IntOrString n(int64_t v) { return {false, v, ""}; }

TEST(DeploymentPlan, FirstApplyCreatesTheReplicaSetWithEveryReplica) {
  auto plan = plan_deployment(rolling(3), {}, {}, 1000);
  ASSERT_TRUE(plan.create);
  EXPECT_EQ(plan.create->name, "web-new");
  EXPECT_EQ(plan.create->revision, 1);
  EXPECT_EQ(plan.create->replicas, 3);
  EXPECT_TRUE(plan.scale.empty());
  EXPECT_EQ(plan.status.conditions.at(0).status, "False");  // Available: nothing runs yet
  EXPECT_EQ(plan.status.conditions.at(1).reason, "NewReplicaSetCreated");
}

TEST(DeploymentPlan, Fenceposts) {
  EXPECT_EQ(resolve_fenceposts(rolling(4)), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(resolve_fenceposts(rolling(3)), std::make_pair(int64_t{1}, int64_t{0}));
  EXPECT_EQ(resolve_fenceposts(rolling(3, n(0), n(0))), std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(resolve_fenceposts(rolling(10, {true, 0, "30%"}, {true, 0, "30%"})), std::make_pair(int64_t{3}, int64_t{3}));
}

// maxSurge 1, maxUnavailable 0: one new pod at a time, an old one goes only once it is available.
TEST(DeploymentPlan, RollingUpdateWithNoUnavailablePods) {
  auto spec = rolling(3, n(1), n(0));
  auto old = set("old", 1, 3, 3);
  auto p1 = plan_deployment(spec, {old}, {}, 1000);
  ASSERT_TRUE(p1.create);
  EXPECT_EQ(p1.create->replicas, 1);
  EXPECT_EQ(p1.create->revision, 2);
  EXPECT_TRUE(p1.scale.empty());

  auto fresh = set("new", 2, 1, 0, 2);  // its pod is not available yet: nothing else moves
  auto p2 = plan_deployment(spec, {old, fresh}, p1.status, 2000);
  EXPECT_FALSE(p2.create);
  EXPECT_TRUE(p2.scale.empty());

  fresh.pods = {1, 1, 1};  // available: one old pod may go
  auto p3 = plan_deployment(spec, {old, fresh}, p2.status, 3000);
  EXPECT_EQ(p3.scale, (std::map<std::string, int64_t>{{"web-old", 2}}));

  old.replicas = 2, old.pods = {2, 2, 2};
  auto p4 = plan_deployment(spec, {old, fresh}, p3.status, 4000);
  EXPECT_EQ(p4.scale, (std::map<std::string, int64_t>{{"web-new", 2}}));
}

TEST(DeploymentPlan, RollingUpdateDefaultsKeepThreeOfFourAvailable) {
  auto spec = rolling(4);  // 25%: surge 1, unavailable 1
  auto old = set("old", 1, 4, 4);
  auto fresh = set("new", 2, 1, 0, 2);
  // 5 pods, the new one not available: one old pod may go (3 stay available).
  EXPECT_EQ(plan_deployment(spec, {old, fresh}, {}, 1000).scale, (std::map<std::string, int64_t>{{"web-old", 3}}));
  // Old pods that are not available go first, whatever minAvailable says of the available ones.
  old.pods = {4, 4, 2};
  EXPECT_EQ(plan_deployment(spec, {old, fresh}, {}, 1000).scale, (std::map<std::string, int64_t>{{"web-old", 3}}));
}

TEST(DeploymentPlan, CompleteRolloutTrimsHistory) {
  auto spec = rolling(2);
  spec.revision_history_limit = 1;
  auto plan = plan_deployment(spec, {set("a", 1, 0, 0, 1), set("b", 2, 0, 0, 2), set("new", 3, 2, 2, 3)}, {}, 1000);
  EXPECT_EQ(plan.remove, std::vector<std::string>{"web-a"});
  EXPECT_EQ(plan.status.conditions.at(0).reason, "MinimumReplicasAvailable");
  EXPECT_EQ(plan.status.conditions.at(1).reason, "NewReplicaSetAvailable");
  EXPECT_EQ(plan.status.conditions.at(1).message, "ReplicaSet \"web-new\" has successfully progressed.");
}

TEST(DeploymentPlan, RollbackRevisesTheOldReplicaSet) {
  auto spec = rolling(2);
  spec.template_hash = "a";
  auto plan = plan_deployment(spec, {set("a", 1, 0, 0, 1), set("b", 2, 2, 2, 2)}, {}, 1000);
  EXPECT_FALSE(plan.create);
  EXPECT_EQ(plan.revise, (std::map<std::string, int64_t>{{"web-a", 3}}));
  EXPECT_EQ(plan.scale, (std::map<std::string, int64_t>{{"web-a", 1}}));
}

TEST(DeploymentPlan, RecreateWaitsForOldPodsToBeGone) {
  auto spec = rolling(2);
  spec.recreate = true;
  auto old = set("old", 1, 2, 2);
  auto p1 = plan_deployment(spec, {old}, {}, 1000);
  ASSERT_TRUE(p1.create);
  EXPECT_EQ(p1.create->replicas, 0);
  EXPECT_EQ(p1.scale, (std::map<std::string, int64_t>{{"web-old", 0}}));

  old.replicas = 0, old.pods = {}, old.remaining = 1;  // one old pod still stopping
  auto fresh = set("new", 2, 0, 0, 2);
  EXPECT_TRUE(plan_deployment(spec, {old, fresh}, p1.status, 2000).scale.empty());
  old.remaining = 0;
  EXPECT_EQ(plan_deployment(spec, {old, fresh}, p1.status, 3000).scale,
            (std::map<std::string, int64_t>{{"web-new", 2}}));
}

TEST(DeploymentPlan, ScalingDownTheDeploymentScalesTheNewReplicaSet) {
  auto plan = plan_deployment(rolling(1), {set("new", 1, 3, 3)}, {}, 1000);
  EXPECT_EQ(plan.scale, (std::map<std::string, int64_t>{{"web-new", 1}}));
}

TEST(DeploymentPlan, ProgressDeadlineExceededWhenNothingMoves) {
  auto spec = rolling(1);
  spec.progress_deadline_seconds = 10;
  auto stuck = set("new", 1, 1, 0);
  auto p1 = plan_deployment(spec, {stuck}, {}, 1000);
  EXPECT_EQ(p1.status.conditions.at(1).reason, "ReplicaSetUpdated");
  EXPECT_EQ(p1.deadline_at, std::optional<WallMillis>(11'001));
  auto p2 = plan_deployment(spec, {stuck}, p1.status, 5000);
  EXPECT_EQ(p2.status.conditions.at(1).reason, "ReplicaSetUpdated");
  auto p3 = plan_deployment(spec, {stuck}, p2.status, 11'001);
  EXPECT_EQ(p3.status.conditions.at(1).status, "False");
  EXPECT_EQ(p3.status.conditions.at(1).reason, "ProgressDeadlineExceeded");
  EXPECT_EQ(p3.status.conditions.at(1).message, "ReplicaSet \"web-new\" has timed out progressing.");
}

}  // namespace
}  // namespace podctl::plan
