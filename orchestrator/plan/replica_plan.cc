#include "orchestrator/plan/replica_plan.h"

#include <algorithm>
#include <tuple>

namespace podctl::plan {
namespace {

int phase_rank(const std::string& phase) {
  if (phase == "Pending") return 0;
  if (phase == "Running") return 2;
  return 1;  // Unknown
}

// controller.ActivePods' Less: the pod to delete first sorts first (pending before running, not
// ready before ready, ready for less time, more restarts, newer).
bool delete_first(const OwnedPod& a, const OwnedPod& b) {
  if (phase_rank(a.phase) != phase_rank(b.phase)) return phase_rank(a.phase) < phase_rank(b.phase);
  if (a.ready != b.ready) return !a.ready;
  if (a.ready && b.ready && a.ready_since != b.ready_since) return a.ready_since > b.ready_since;
  if (a.restarts != b.restarts) return a.restarts > b.restarts;
  if (a.created != b.created) return a.created > b.created;
  return a.name > b.name;
}

bool is_available(const OwnedPod& p, int64_t min_ready_seconds, WallMillis now) {
  return is_active(p) && p.ready && p.ready_since + min_ready_seconds * 1000 <= now;
}

}  // namespace

bool is_active(const OwnedPod& p) {
  return !p.lost && !p.terminating && p.phase != "Succeeded" && p.phase != "Failed";
}

ReplicaPlan plan_replicas(int64_t replicas, const std::vector<OwnedPod>& pods) {
  ReplicaPlan plan;
  std::vector<OwnedPod> active;
  for (const auto& p : pods) {
    if (p.lost) plan.clean_up.push_back(p.name);
    if (is_active(p)) active.push_back(p);
  }
  auto count = static_cast<int64_t>(active.size());
  if (count < replicas) plan.create = replicas - count;
  if (count > replicas) {
    std::sort(active.begin(), active.end(), delete_first);
    for (int64_t i = 0; i < count - replicas; ++i) plan.remove.push_back(active[static_cast<size_t>(i)].name);
  }
  return plan;
}

ReplicaCounts count_replicas(const std::vector<OwnedPod>& pods, int64_t min_ready_seconds, WallMillis now) {
  ReplicaCounts c;
  for (const auto& p : pods) {
    if (!is_active(p)) continue;
    ++c.replicas;
    c.ready += p.ready;
    c.available += is_available(p, min_ready_seconds, now);
  }
  return c;
}

std::optional<WallMillis> next_available_at(const std::vector<OwnedPod>& pods, int64_t min_ready_seconds,
                                            WallMillis now) {
  std::optional<WallMillis> next;
  for (const auto& p : pods) {
    if (!is_active(p) || !p.ready || is_available(p, min_ready_seconds, now)) continue;
    WallMillis at = p.ready_since + min_ready_seconds * 1000;
    if (!next || at < *next) next = at;
  }
  return next;
}

}  // namespace podctl::plan
