// podctl - the ReplicaSet controller's decisions (pkg/controller/replicaset, manageReplicas), pure:
// how many pods to create and which to delete so that `replicas` active pods run, and the counts
// that become the ReplicaSet's status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace podctl::plan {

using WallMillis = int64_t;  // milliseconds since the epoch

// One pod the ReplicaSet owns, as the controller sees it in the store.
struct OwnedPod {
  std::string name;
  std::string phase;  // Pending, Running, Succeeded, Failed
  bool ready = false;
  WallMillis ready_since = 0;  // the Ready condition's lastTransitionTime, when ready
  int64_t restarts = 0;        // the highest restartCount of its containers
  WallMillis created = 0;
  bool terminating = false;  // a delete is under way
  bool lost = false;         // its supervisor is gone: nothing keeps it running any more
  bool operator==(const OwnedPod&) const = default;
};

struct ReplicaPlan {
  int64_t create = 0;
  std::vector<std::string> remove;    // to stop, in the order to delete them
  std::vector<std::string> clean_up;  // lost or stopped: their supervisor is gone, what is left goes
  bool operator==(const ReplicaPlan&) const = default;
};

struct ReplicaCounts {
  int64_t replicas = 0;  // active pods (not terminal, not being deleted)
  int64_t ready = 0;
  int64_t available = 0;  // ready for at least minReadySeconds
  bool operator==(const ReplicaCounts&) const = default;
};

// A lost pod is cleaned up and replaced (no kubelet would ever run it again), and so is a stopped
// one once its supervisor is gone; a terminal pod is left as the controller leaves it, and does not
// count.
ReplicaPlan plan_replicas(int64_t replicas, const std::vector<OwnedPod>& pods);
ReplicaCounts count_replicas(const std::vector<OwnedPod>& pods, int64_t min_ready_seconds, WallMillis now);
// When a ready pod next becomes available (for the controller's timer), if one will.
std::optional<WallMillis> next_available_at(const std::vector<OwnedPod>& pods, int64_t min_ready_seconds,
                                            WallMillis now);
// controller.FilterActivePods.
bool is_active(const OwnedPod& pod);

}  // namespace podctl::plan
