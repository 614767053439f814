// The Job controller's decisions as whole plans.
#include "orchestrator/plan/job_plan.h"

#include <gtest/gtest.h>

namespace podctl::plan {
namespace {

JobPod pod(std::string name, std::string phase, int64_t index = -1, WallMillis finished = 0) {
  JobPod p;
  p.name = std::move(name);
  p.phase = std::move(phase);
  p.index = index;
  p.finished = finished;
  return p;
}

JobSpec spec(int64_t completions, int64_t parallelism, int64_t backoff_limit = 6, bool indexed = false) {
  JobSpec s;
  s.completions = completions;
  s.parallelism = parallelism;
  s.backoff_limit = backoff_limit;
  s.indexed = indexed;
  return s;
}

TEST(JobPlan, StartsParallelismPodsAndNoMoreThanCompletionsNeed) {
  auto p = plan_job(spec(5, 2), {}, {}, 1000);
  EXPECT_EQ(p.create, (std::vector<int64_t>{-1, -1}));
  EXPECT_EQ(p.status.start_time, 1000);
  // 4 succeeded, 1 running: nothing more to start.
  std::vector<JobPod> pods = {pod("a", "Succeeded"), pod("b", "Succeeded"), pod("c", "Succeeded"),
                              pod("d", "Succeeded"), pod("e", "Running")};
  EXPECT_TRUE(plan_job(spec(5, 2), pods, p.status, 2000).create.empty());
}

TEST(JobPlan, CompletesWhenEnoughPodsSucceeded) {
  auto p = plan_job(spec(2, 2), {pod("a", "Succeeded"), pod("b", "Succeeded")}, {}, 5000);
  ASSERT_TRUE(p.status.finished);
  EXPECT_EQ(p.status.finished->type, "Complete");
  EXPECT_EQ(p.status.completion_time, 5000);
  EXPECT_EQ(p.status.succeeded, 2);
  EXPECT_TRUE(p.create.empty());
}

TEST(JobPlan, AFailedPodIsReplacedAfterTheBackoffAndTooManyFailTheJob) {
  EXPECT_EQ(job_backoff(1), 10'000);
  EXPECT_EQ(job_backoff(3), 40'000);
  EXPECT_EQ(job_backoff(20), 360'000);
  auto p = plan_job(spec(1, 1, 2), {pod("a", "Failed", -1, 1000)}, {}, 5000);
  EXPECT_TRUE(p.create.empty());
  EXPECT_EQ(p.wake_at, std::optional<WallMillis>(11'000));
  EXPECT_EQ(plan_job(spec(1, 1, 2), {pod("a", "Failed", -1, 1000)}, {}, 11'000).create, std::vector<int64_t>{-1});
  auto failed = plan_job(spec(1, 1, 2),
                         {pod("a", "Failed", -1, 1000), pod("b", "Failed", -1, 12'000), pod("c", "Failed", -1, 40'000)},
                         {}, 41'000);
  ASSERT_TRUE(failed.status.finished);
  EXPECT_EQ(failed.status.finished->reason, "BackoffLimitExceeded");
  EXPECT_EQ(failed.status.failed, 3);
}

TEST(JobPlan, TheActiveDeadlineFailsTheJobAndStopsItsPods) {
  JobSpec s = spec(1, 1);
  s.active_deadline_seconds = 10;
  auto p1 = plan_job(s, {pod("a", "Running")}, {}, 1000);
  EXPECT_EQ(p1.wake_at, std::optional<WallMillis>(11'000));
  auto p2 = plan_job(s, {pod("a", "Running")}, p1.status, 11'000);
  ASSERT_TRUE(p2.status.finished);
  EXPECT_EQ(p2.status.finished->reason, "DeadlineExceeded");
  EXPECT_EQ(p2.remove, std::vector<std::string>{"a"});
}

TEST(JobPlan, IndexedJobsRunEachIndexUntilItSucceeds) {
  auto p = plan_job(spec(4, 2, 6, true), {pod("a", "Succeeded", 0), pod("b", "Running", 1)}, {}, 1000);
  EXPECT_EQ(p.create, std::vector<int64_t>{2});
  EXPECT_EQ(p.status.completed_indexes, "0");
  EXPECT_EQ(index_ranges({0, 1, 2, 4, 6, 7}), "0-2,4,6-7");
}

TEST(JobPlan, ALostPodCountsAsAFailureAndIsCleanedUp) {
  auto lost = pod("a", "Running");
  lost.lost = true;
  auto p = plan_job(spec(1, 1), {lost}, {}, 1000);
  EXPECT_EQ(p.clean_up, std::vector<std::string>{"a"});
  EXPECT_EQ(p.status.failed, 1);
  EXPECT_EQ(p.status.lost_failures, 1);
  EXPECT_TRUE(p.create.empty());  // the backoff first
}

TEST(JobPlan, TtlAfterFinishedExpiresTheJob) {
  JobSpec s = spec(1, 1);
  s.ttl_seconds_after_finished = 5;
  auto done = plan_job(s, {pod("a", "Succeeded")}, {}, 1000);
  EXPECT_FALSE(done.expired);
  EXPECT_EQ(done.wake_at, std::optional<WallMillis>(6000));
  EXPECT_TRUE(plan_job(s, {pod("a", "Succeeded")}, done.status, 6000).expired);
}

}  // namespace
}  // namespace podctl::plan
