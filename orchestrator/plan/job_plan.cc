#include "orchestrator/plan/job_plan.h"

#include <algorithm>
#include <set>

namespace podctl::plan {
namespace {

bool is_active(const JobPod& p) {
  return !p.terminating && !p.lost && p.phase != "Succeeded" && p.phase != "Failed";
}

std::optional<JobCondition> verdict(const JobSpec& spec, const JobStatus& st, int64_t succeeded, WallMillis now) {
  if (st.failed > spec.backoff_limit)
    return JobCondition{"Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now};
  if (spec.active_deadline_seconds && now - st.start_time >= *spec.active_deadline_seconds * 1000)
    return JobCondition{"Failed", "DeadlineExceeded", "Job was active longer than specified deadline", now};
  if (succeeded >= spec.completions)
    return JobCondition{"Complete", "CompletionsReached", "Reached expected number of succeeded pods", now};
  return std::nullopt;
}

// Indexes not succeeded and without an active pod, lowest first, as the controller picks them.
std::vector<int64_t> free_indexes(const JobSpec& spec, const std::set<int64_t>& succeeded,
                                  const std::set<int64_t>& active, size_t count) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < spec.completions && out.size() < count; ++i)
    if (!succeeded.count(i) && !active.count(i)) out.push_back(i);
  return out;
}

}  // namespace

WallMillis job_backoff(int64_t failures) {
  if (failures <= 0) return 0;
  WallMillis delay = 10'000;
  for (int64_t i = 1; i < failures && delay < 360'000; ++i) delay *= 2;
  return std::min<WallMillis>(delay, 360'000);
}

std::string index_ranges(const std::vector<int64_t>& v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(v[i]) + (j > i ? "-" + std::to_string(v[j]) : "");
    i = j + 1;
  }
  return out;
}

JobPlan plan_job(const JobSpec& spec, const std::vector<JobPod>& pods, const JobStatus& previous, WallMillis now) {
  JobPlan plan;
  JobStatus& st = plan.status;
  st.start_time = previous.start_time ? previous.start_time : now;
  st.lost_failures = previous.lost_failures;
  st.finished = previous.finished;
  st.completion_time = previous.completion_time;
  std::set<int64_t> done_indexes, active_indexes;
  WallMillis last_failure = 0;
  for (const auto& p : pods) {
    if (p.lost && p.phase != "Succeeded" && p.phase != "Failed") {
      plan.clean_up.push_back(p.name);
      ++st.lost_failures;
      last_failure = std::max(last_failure, now);
      continue;
    }
    if (p.phase == "Succeeded") {
      ++st.succeeded;
      if (spec.indexed) done_indexes.insert(p.index);
    }
    if (p.phase == "Failed") {
      ++st.failed;
      last_failure = std::max(last_failure, p.finished);
    }
    if (is_active(p)) {
      ++st.active;
      st.ready += p.ready;
      if (spec.indexed) active_indexes.insert(p.index);
    }
  }
  st.failed += st.lost_failures;
  int64_t succeeded = spec.indexed ? static_cast<int64_t>(done_indexes.size()) : st.succeeded;
  if (spec.indexed) st.completed_indexes = index_ranges({done_indexes.begin(), done_indexes.end()});

  if (!st.finished) {
    st.finished = verdict(spec, st, succeeded, now);
    if (st.finished && st.finished->type == "Complete") st.completion_time = now;
  }
  if (st.finished) {
    // Over: what still runs is stopped (a Complete NonIndexed Job's extra pods too).
    for (const auto& p : pods)
      if (is_active(p)) plan.remove.push_back(p.name);
    if (spec.ttl_seconds_after_finished) {
      WallMillis expires = st.finished->at + *spec.ttl_seconds_after_finished * 1000;
      if (now >= expires)
        plan.expired = true;
      else
        plan.wake_at = expires;
    }
    return plan;
  }
  if (spec.active_deadline_seconds) plan.wake_at = st.start_time + *spec.active_deadline_seconds * 1000;
  int64_t want = std::min(spec.parallelism, spec.completions - succeeded);
  int64_t missing = want - st.active;
  if (missing <= 0) return plan;
  // After failures, the next pod waits out the backoff (10 s, 20 s, 40 s… up to 6 min).
  WallMillis ready_at = last_failure + job_backoff(st.failed);
  if (st.failed > 0 && now < ready_at) {
    plan.wake_at = plan.wake_at ? std::min(*plan.wake_at, ready_at) : ready_at;
    return plan;
  }
  if (spec.indexed)
    plan.create = free_indexes(spec, done_indexes, active_indexes, static_cast<size_t>(missing));
  else
    plan.create.assign(static_cast<size_t>(missing), -1);
  return plan;
}

}  // namespace podctl::plan
