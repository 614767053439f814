// podctl - the StatefulSet controller's decisions (pkg/controller/statefulset,
// stateful_set_control.go), pure: pods NAME-0…NAME-(N-1) made in order (OrderedReady: each once
// the ones before it are running and ready) or all at once (Parallel), removed from the highest
// ordinal, replaced under the same name when lost, and updated from the highest ordinal down to
// the partition, one at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "orchestrator/plan/replica_plan.h"

namespace podctl::plan {

struct OrdinalPod {
  std::string name;
  std::string revision;  // its controller-revision-hash
  std::string phase;
  bool ready = false;
  bool terminating = false;
  bool lost = false;
  bool operator==(const OrdinalPod&) const = default;
};

struct StatefulSetSpec {
  int64_t replicas = 1;
  bool parallel = false;        // podManagementPolicy: Parallel
  bool on_delete = false;       // updateStrategy: OnDelete
  int64_t partition = 0;        // rollingUpdate.partition
  std::string update_revision;  // the hash of the current template
};

struct StatefulSetPlan {
  std::vector<int64_t> create;        // ordinals
  std::vector<std::string> remove;    // pods to stop: scaled away, or to be updated
  std::vector<std::string> clean_up;  // lost, or stopped with their supervisor gone
  int64_t replicas = 0, ready = 0, updated = 0, current = 0;
  bool operator==(const StatefulSetPlan&) const = default;
};

StatefulSetPlan plan_stateful_set(const StatefulSetSpec& spec, const std::map<int64_t, OrdinalPod>& pods);

}  // namespace podctl::plan
