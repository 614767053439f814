// podctl - the controller processes of workload objects: one small, detached `podctl controller`
// per Deployment or ReplicaSet, started by apply (and by a Deployment's controller for its
// ReplicaSets), found again by its identity file, healed by the next apply.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/pods/pod_context.h"

namespace podctl {

struct ControllerRef {
  std::string resource;  // "deployments" or "replicasets"
  std::string ns;
  std::string name;
};

struct ControllerPaths {
  std::string dir;
  std::string pid() const { return dir + "/controller.pid"; }
  std::string status() const { return dir + "/status.json"; }
  std::string log() const { return dir + "/controller.log"; }
  // The object's events (SuccessfulCreate, ScalingReplicaSet...), as a pod's events.jsonl.
  std::string events() const { return dir + "/events.jsonl"; }
};

ControllerPaths controller_paths(const RootPaths& root, const ControllerRef& ref);
bool controller_running(const RootPaths& root, const ControllerRef& ref);
// Starts the controller unless it runs. The pod options (backoff, log sizes, pids limit) of the
// context are passed on, so that the pods it makes are made as apply would make them.
Status ensure_controller(const PodContext& ctx, const ControllerRef& ref);
// Every controller of the root (system reset), before anything they own is removed.
Status stop_all_controllers(const RootPaths& root);
// Asks a running controller to look again now (SIGHUP) instead of at its next poll.
void wake_controller(const RootPaths& root, const ControllerRef& ref);
// SIGTERM, then SIGKILL after a few seconds; returns once it has exited. Not running is not an error.
Status stop_controller(const RootPaths& root, const ControllerRef& ref);
// The stored object with the status its controller wrote (kubectl's view of it).
nlohmann::json with_status(const RootPaths& root, const std::string& resource, const nlohmann::json& stored);

// Writes a controller's status.json when it differs from what is there.
Status write_status(const ControllerPaths& paths, const nlohmann::json& status);

// The arguments that give a controller the context's pod options (parsed by controller_options).
std::vector<std::string> pod_option_args(const PodContext& ctx);

}  // namespace podctl
