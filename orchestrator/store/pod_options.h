// podctl - what apply's options set for a pod's supervisor (not in the manifest): kept in the pod's
// record, so that a restart starts the pod again with the same.
#pragma once

#include <cstdint>
#include <string>

namespace podctl {

struct PodOptions {
  std::string restart_backoff = "10s:300s";
  int64_t log_max_bytes = 10 * 1024 * 1024;
  int log_max_files = 5;
  int64_t pids_limit = 0;  // per container; 0: none
};

}  // namespace podctl
