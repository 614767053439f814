// podctl - what every pod operation of one CLI command needs: the root, its network settings,
// the cgroup v2 mount, and the options supervisors are started with.
#pragma once

#include <string>

#include "orchestrator/plan/backoff.h"
#include "orchestrator/store/network_config.h"
#include "orchestrator/store/pod_options.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct PodContext {
  RootPaths root;
  NetworkConfig net;
  std::string cgroup_mount;
  PodOptions pod_options;
  std::string log_level = "info";
};

}  // namespace podctl
