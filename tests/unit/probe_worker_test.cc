// The probe worker: initial results, initialDelaySeconds, periods, consecutive thresholds.
#include <gtest/gtest.h>

#include "orchestrator/plan/probe_worker.h"

namespace podctl::plan {
namespace {

manifest::Probe probe(int64_t delay, int64_t period, int64_t success, int64_t failure) {
  manifest::Probe p;
  p.initial_delay_seconds = delay;
  p.period_seconds = period;
  p.success_threshold = success;
  p.failure_threshold = failure;
  return p;
}

TEST(ProbeWorker, StartsFromTheKubeletsInitialResults) {
  EXPECT_EQ(ProbeWorker(ProbeKind::Readiness, probe(0, 10, 1, 3), 0).result(), ProbeResult::Failure);
  EXPECT_EQ(ProbeWorker(ProbeKind::Liveness, probe(0, 10, 1, 3), 0).result(), ProbeResult::Success);
  EXPECT_EQ(ProbeWorker(ProbeKind::Startup, probe(0, 10, 1, 3), 0).result(), ProbeResult::Unknown);
}

TEST(ProbeWorker, WaitsTheInitialDelayThenRunsEveryPeriod) {
  ProbeWorker w(ProbeKind::Readiness, probe(5, 10, 1, 3), 1'000);
  EXPECT_FALSE(w.due(true, 5'999));
  EXPECT_TRUE(w.due(true, 6'000));
  w.launched(6'000);
  EXPECT_FALSE(w.due(true, 15'999));
  EXPECT_TRUE(w.due(true, 16'000));
}

TEST(ProbeWorker, StartupRunsBeforeTheStartAndTheOthersOnlyAfter) {
  ProbeWorker startup(ProbeKind::Startup, probe(0, 10, 1, 3), 0);
  ProbeWorker liveness(ProbeKind::Liveness, probe(0, 10, 1, 3), 0);
  EXPECT_TRUE(startup.due(false, 0));
  EXPECT_FALSE(startup.due(true, 0));
  EXPECT_FALSE(liveness.due(false, 0));
  EXPECT_TRUE(liveness.due(true, 0));
  EXPECT_TRUE(startup.record(ProbeResult::Success));
  EXPECT_FALSE(startup.next_due(false).has_value());  // finished
}

TEST(ProbeWorker, CountsConsecutiveResultsAgainstTheThresholds) {
  ProbeWorker w(ProbeKind::Readiness, probe(0, 10, 2, 3), 0);
  EXPECT_FALSE(w.record(ProbeResult::Success));
  EXPECT_TRUE(w.record(ProbeResult::Success));
  EXPECT_EQ(w.result(), ProbeResult::Success);
  EXPECT_FALSE(w.record(ProbeResult::Failure));
  EXPECT_FALSE(w.record(ProbeResult::Failure));
  EXPECT_FALSE(w.record(ProbeResult::Success));  // breaks the run of failures
  EXPECT_FALSE(w.record(ProbeResult::Failure));
  EXPECT_FALSE(w.record(ProbeResult::Failure));
  EXPECT_FALSE(w.record(ProbeResult::Unknown));  // changes nothing
  EXPECT_TRUE(w.record(ProbeResult::Failure));
  EXPECT_EQ(w.result(), ProbeResult::Failure);
  EXPECT_TRUE(w.next_due(true).has_value());  // readiness keeps probing
}

TEST(ProbeWorker, ALivenessFailureStopsTheWorkerUntilTheNextContainer) {
  ProbeWorker w(ProbeKind::Liveness, probe(0, 1, 1, 1), 0);
  EXPECT_TRUE(w.record(ProbeResult::Failure));
  EXPECT_FALSE(w.next_due(true).has_value());
}

}  // namespace
}  // namespace podctl::plan
