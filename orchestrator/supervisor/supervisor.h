// podctl - the pod supervisor: one detached process per pod, the pod's kubelet. It is the parent
// of the pause process and of every container, and runs one event loop (epoll over pidfds, log
// pipes, a signalfd and a timerfd; no sleeps): observe → plan (plan_pod) → execute → status.json.
#pragma once

#include <string>

#include "orchestrator/logs/log_writer.h"
#include "orchestrator/plan/backoff.h"
#include "orchestrator/store/network_config.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct SupervisorOptions {
  RootPaths root;
  std::string ns;
  std::string name;
  int report_fd = -1;  // "ok\n" once every container started or has a known start error
  plan::BackoffPolicy backoff;
  LogLimits log_limits;
  int64_t pids_limit = 0;
  std::string pause_binary;
  std::string podctl_binary;  // for the pulls it starts (podctl image pull)
};

// Returns the process exit code.
int run_supervisor(const SupervisorOptions& options);

}  // namespace podctl
