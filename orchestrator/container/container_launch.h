// podctl - starting one container inside a pod: clone3 with new mnt (+pid) namespaces into the
// container's cgroup; the child joins the pause's net/ipc/uts by pidfd, builds its root
// (overlayfs, /proc, /dev, /sys, the pod's /etc files), pivots, drops privileges and execs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_config.h"
#include "orchestrator/container/pod_volumes.h"
#include "orchestrator/container/sync_channel.h"

namespace podctl {

struct ContainerLaunch {
  std::string name;
  // The pause's namespaces, opened before clone: a child born in a new pid namespace cannot see
  // the pause process any more, so setns by pidfd would fail there (ESRCH).
  int net_ns_fd = -1, ipc_ns_fd = -1, uts_ns_fd = -1;
  int pid_namespace_fd = -1;  // the pause's pid ns (shareProcessNamespace), or -1 for a new one
  int cgroup_fd = -1;
  std::vector<std::string> v1_cgroups;  // cgroup v1 directories to join before anything runs (hybrid hosts)
  std::vector<std::string> lower_dirs;  // image layers, lowest first
  std::string upper_dir, work_dir, rootfs;
  std::string hosts_file, hostname_file, resolv_conf, shm_dir;
  ContainerConfig process;          // what runs, as whom, with which capabilities
  std::vector<VolumeBind> volumes;  // volumeMounts, resolved on the host
  int stdout_fd = -1, stderr_fd = -1;
};

// A container's first process, cloned and setting itself up, and what it still reads from us
// (v1 cgroups' tasks files, volume trees) until it has exec'd.
struct PendingContainer {
  ChildProcess child;
  SyncChannel sync;
  std::vector<UniqueFd> kept;
};

// A start in two steps, so that the containers of one pod set themselves up side by side (each
// child's detach of the old root waits for an RCU grace period): begin clones the child;
// finish returns once it has exec'd, or with its own error ("exec: \"nope\": executable file not
// found in $PATH", "chdir /nope: No such file or directory", …), the child then reaped.
Result<PendingContainer> begin_container_start(const ContainerLaunch& launch);
Result<ChildProcess> finish_container_start(PendingContainer& pending);

}  // namespace podctl
