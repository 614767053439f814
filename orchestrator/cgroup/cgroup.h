// podctl - the pod's cgroup on the cgroup v2 hierarchy: every process of a pod lives in it, so a
// crash can always be cleaned up (cgroup.kill). Works on pure v2 hosts and on hybrid hosts, where
// v1 controllers sit beside a v2 mount (/sys/fs/cgroup/unified) that can still hold processes.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

struct CgroupMount {
  std::string fstype;  // cgroup (v1) or cgroup2
  std::string mountpoint;
  std::string options;  // v1: the controllers, "rw,cpu,cpuacct"
};

// The tops of the cgroup hierarchies mounted here (from /proc/self/mountinfo).
std::vector<CgroupMount> cgroup_mounts();

// The cgroup2 mount point, or an error saying that podctl needs one.
Result<std::string> cgroup2_mount();

// ROOT_CGROUP/podctl/<pod uid>, with leaves: "supervisor", "pause", "ctr-<name>".
std::string pod_cgroup_path(const std::string& mount, const std::string& pod_uid);

Status create_cgroup(const std::string& path);
Result<UniqueFd> open_cgroup(const std::string& path);
// Pids in the cgroup and all below it.
std::vector<pid_t> cgroup_pids(const std::string& path);
// SIGKILLs everything in the cgroup tree and waits (bounded) until it is empty.
Status kill_cgroup(const std::string& path);
// Removes the tree, deepest first; a missing cgroup is not an error.
Status remove_cgroup(const std::string& path);

}  // namespace podctl
