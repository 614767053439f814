// The ReplicaSet controller's decisions as whole plans.
#include "orchestrator/plan/replica_plan.h"

#include <gtest/gtest.h>

namespace podctl::plan {
namespace {

OwnedPod running(std::string name, WallMillis created, WallMillis ready_since = 0) {
  OwnedPod p;
  p.name = std::move(name);
  p.phase = "Running";
  p.created = created;
  p.ready = ready_since > 0;
  p.ready_since = ready_since;
  return p;
}

OwnedPod pending(std::string name, WallMillis created) {
  OwnedPod p = running(std::move(name), created);
  p.phase = "Pending";
  return p;
}

TEST(ReplicaPlan, CreatesTheMissingReplicas) {
  EXPECT_EQ(plan_replicas(3, {}), (ReplicaPlan{3, {}, {}}));
  EXPECT_EQ(plan_replicas(3, {running("a", 1, 5)}), (ReplicaPlan{2, {}, {}}));
  EXPECT_EQ(plan_replicas(1, {running("a", 1, 5)}), (ReplicaPlan{0, {}, {}}));
}

TEST(ReplicaPlan, DeletesPendingThenNotReadyThenNewestReady) {
  std::vector<OwnedPod> pods = {running("old-ready", 1, 10), running("new-ready", 5, 20), running("not-ready", 2),
                                pending("pending", 3)};
  EXPECT_EQ(plan_replicas(1, pods), (ReplicaPlan{0, {"pending", "not-ready", "new-ready"}, {}}));
}

TEST(ReplicaPlan, MoreRestartsGoFirstAmongEquals) {
  auto a = running("a", 1, 10), b = running("b", 1, 10);
  b.restarts = 3;
  EXPECT_EQ(plan_replicas(1, {a, b}), (ReplicaPlan{0, {"b"}, {}}));
}

TEST(ReplicaPlan, ALostPodIsCleanedUpAndReplaced) {
  auto lost = running("lost", 1, 10);
  lost.lost = true;
  EXPECT_EQ(plan_replicas(2, {lost, running("b", 2, 10)}), (ReplicaPlan{1, {}, {"lost"}}));
}

TEST(ReplicaPlan, AStoppedPodIsCleanedUpOnceItsSupervisorIsGone) {
  auto going = running("going", 1, 10);
  going.terminating = true;
  EXPECT_EQ(plan_replicas(1, {going, running("b", 2, 10)}), (ReplicaPlan{0, {}, {}}));
  going.lost = true;
  EXPECT_EQ(plan_replicas(1, {going, running("b", 2, 10)}), (ReplicaPlan{0, {}, {"going"}}));
}

TEST(ReplicaPlan, TerminatingAndTerminalPodsDoNotCount) {
  auto going = running("going", 1, 10);
  going.terminating = true;
  auto done = running("done", 1);
  done.phase = "Failed";
  EXPECT_EQ(plan_replicas(2, {going, done, running("c", 2, 10)}), (ReplicaPlan{1, {}, {}}));
}

TEST(ReplicaPlan, AvailableMeansReadyForMinReadySeconds) {
  std::vector<OwnedPod> pods = {running("a", 1, 1'000), running("b", 1, 9'000), running("c", 1)};
  EXPECT_EQ(count_replicas(pods, 5, 10'000), (ReplicaCounts{3, 2, 1}));
  EXPECT_EQ(count_replicas(pods, 0, 10'000), (ReplicaCounts{3, 2, 2}));
  EXPECT_EQ(next_available_at(pods, 5, 10'000), std::optional<WallMillis>(14'000));
  EXPECT_EQ(next_available_at(pods, 0, 10'000), std::nullopt);
}

}  // namespace
}  // namespace podctl::plan
