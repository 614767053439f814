// podctl - the pod sandbox: a `podctl-pause` process that owns the pod's net, ipc and uts
// namespaces (and pid with shareProcessNamespace), wired to the bridge by a veth pair.
#pragma once

#include <string>

#include "base/error.h"
#include "netsetup/pod_interface.h"
#include "orchestrator/container/child_process.h"

namespace podctl {

struct SandboxLaunch {
  std::string pause_binary;
  std::string root_dir;  // an empty directory: the pause's root is a read-only tmpfs mounted there
  std::string hostname;
  bool share_pid_namespace = false;
  std::string bridge;
  std::string host_veth;
  net::PodInterfaceConfig interface;  // the pod end, configured inside the namespace
  int cgroup_fd = -1;
};

// Handshake: clone → parent makes the veth (peer straight into the child's netns) and attaches
// it → "go" → child sets hostname and configures eth0, moves into an empty read-only root of its
// own (as the kubelet's pause image has: with a shared pid namespace the pause is every
// container's /proc/1, and /proc/1/root must not be the host's /), then execs the pause binary
// (bound read-only into that root); EOF on the sync socket = exec done. On failure nothing is left: the child is killed
// and the veth deleted.
Result<ChildProcess> start_sandbox(const SandboxLaunch& launch);

}  // namespace podctl
