// podctl - the Job controller's decisions (pkg/controller/job, syncJob), pure: which pods to create
// (and with which completion index), which to stop when the Job is over, its status and
// conditions, and when to look again (pod-failure backoff, active deadline, TTL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/plan/replica_plan.h"

namespace podctl::plan {

struct JobPod {
  std::string name;
  std::string phase;  // Pending, Running, Succeeded, Failed
  int64_t index = -1;  // completion index (Indexed Jobs)
  bool ready = false;
  bool terminating = false;
  bool lost = false;        // its supervisor is gone without a verdict: counted as a failure
  WallMillis finished = 0;  // when it failed (for the pod-failure backoff)
  bool operator==(const JobPod&) const = default;
};

struct JobSpec {
  int64_t completions = 1;
  int64_t parallelism = 1;
  int64_t backoff_limit = 6;
  bool indexed = false;
  std::optional<int64_t> active_deadline_seconds;
  std::optional<int64_t> ttl_seconds_after_finished;
};

struct JobCondition {
  std::string type;  // Complete, Failed
  std::string reason;
  std::string message;
  WallMillis at = 0;
  bool operator==(const JobCondition&) const = default;
};

struct JobStatus {
  int64_t active = 0;
  int64_t ready = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;
  int64_t lost_failures = 0;  // lost pods already cleaned up, still counted in `failed`
  std::string completed_indexes;  // "0-2,4" (Indexed)
  WallMillis start_time = 0;
  WallMillis completion_time = 0;  // Complete only
  std::optional<JobCondition> finished;
  bool operator==(const JobStatus&) const = default;
};

struct JobPlan {
  std::vector<int64_t> create;        // one entry per pod: its index, or -1
  std::vector<std::string> remove;    // active pods to stop: the Job is over
  std::vector<std::string> clean_up;  // lost pods
  bool expired = false;               // ttlSecondsAfterFinished has passed: delete the Job
  JobStatus status;
  std::optional<WallMillis> wake_at;
  bool operator==(const JobPlan&) const = default;
};

// The pod-failure backoff before the next pod after `failures` failures: 10 s doubling, at most 6 min.
WallMillis job_backoff(int64_t failures);
JobPlan plan_job(const JobSpec& spec, const std::vector<JobPod>& pods, const JobStatus& previous, WallMillis now);
// "0,1,2,4" → "0-2,4", as the controller writes completedIndexes.
std::string index_ranges(const std::vector<int64_t>& sorted_indexes);

}  // namespace podctl::plan
