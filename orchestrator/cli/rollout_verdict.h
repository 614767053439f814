// podctl - kubectl rollout status: the verdict on a Deployment or ReplicaSet (its stored object
// with the status its controller wrote), pure; and the wait for it, woken by status changes.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/controllers/controller_process.h"

namespace podctl {

// kubectl's words: `Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have
// been updated...`, `deployment "web" successfully rolled out`, `deployment "web" exceeded its
// progress deadline`.
WatchResult rollout_verdict(const std::string& resource, const nlohmann::json& object);

// Until the rollout is done, fails, or the deadline passes; a deleted object fails.
WatchResult wait_for_rollout(const RootPaths& root, const ControllerRef& ref,
                             std::chrono::steady_clock::time_point deadline);

}  // namespace podctl
