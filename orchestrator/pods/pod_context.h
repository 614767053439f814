// podctl - what every pod operation of one CLI command needs: the root, its network settings,
// the cgroup v2 mount, and the options supervisors are started with.
#pragma once

#include <string>

#include "orchestrator/plan/backoff.h"
#include "orchestrator/store/network_config.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct PodContext {
  RootPaths root;
  NetworkConfig net;
  std::string cgroup_mount;
  std::string restart_backoff = "10s:300s";
  int64_t log_max_bytes = 10 * 1024 * 1024;
  int log_max_files = 5;
  int64_t pids_limit = 0;  // per container; 0: none
  std::string log_level = "info";
};

}  // namespace podctl
