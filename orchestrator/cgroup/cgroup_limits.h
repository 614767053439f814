// podctl - resource limits on whatever cgroups the host has. Every pod process lives in the
// cgroup v2 hierarchy (for cgroup.kill and CLONE_INTO_CGROUP); each controller podctl uses
// (memory, cpu, pids) is taken from v2 when the unified hierarchy has it, and otherwise from its
// v1 hierarchy (hybrid hosts), where the container gets a cgroup at the same relative path.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/plan/resources.h"

namespace podctl {

struct ControllerLayout {
  std::string v2_mount;
  std::map<std::string, bool> in_v2;            // controller → available in the unified hierarchy
  std::map<std::string, std::string> v1_mount;  // controller → its v1 hierarchy, when not in v2
};

// memory, cpu and pids; a controller in neither hierarchy is left out (its limits are refused
// when a pod asks for them).
Result<ControllerLayout> detect_controllers();

struct ContainerCgroups {
  std::string v2;               // the container's v2 cgroup (absolute)
  std::vector<std::string> v1;  // its v1 cgroups, which the container's process joins
};

// Writes the limits (pids_limit 0: none). v2: enables the controllers on the way down, then
// memory.max, memory.oom.group, cpu.weight, cpu.max, pids.max. v1: memory.limit_in_bytes,
// cpu.shares, cpu.cfs_quota_us/cfs_period_us, pids.max.
Result<ContainerCgroups> apply_container_limits(const ControllerLayout& layout, const std::string& v2_cgroup,
                                                const plan::ContainerLimits& limits, int64_t pids_limit);

// Pod-level resources on the pod's cgroup, above its containers' (no oom.group: an OOM kill there
// takes a process, and the container it belongs to reports it).
Status apply_pod_limits(const ControllerLayout& layout, const std::string& v2_pod_cgroup,
                        const plan::ContainerLimits& limits);

// Device rules: the eBPF device program on the container's v2 cgroup (`v2_cgroup_fd`), and on a
// host with a v1 devices hierarchy its lists too ("a" denied, then each rule allowed) in a v1
// cgroup at the same relative path. Returns that v1 cgroup ("" without one), for the container to
// join. The rules stay with the cgroups: a restart under the same rules need not set them again.
Result<std::string> restrict_devices(const ControllerLayout& layout, const std::string& v2_cgroup, int v2_cgroup_fd,
                                     bool privileged);

// The OOM kills counted in the container's memory cgroup (memory.events or memory.oom_control).
uint64_t oom_kill_count(const ControllerLayout& layout, const std::string& v2_cgroup);

// The v1 cgroups that exist at a v2 cgroup's relative path (a container's: those it joined).
std::vector<std::string> v1_cgroups_of(const std::string& v2_cgroup);

// The v1 cgroups of a pod (its v2 cgroup's relative path in every v1 hierarchy), deepest first.
Status remove_v1_cgroups(const std::string& v2_pod_cgroup);

}  // namespace podctl
