// podctl - what a pod or container uses now, read from its cgroups as cAdvisor reads them for
// the kubelet's metrics: CPU time (the v2 cgroup's cpu.stat, which the kernel keeps for every v2
// cgroup whatever the controllers) and the memory working set (usage less inactive file pages,
// from v2's memory controller or, on a hybrid host, from the v1 memory cgroup at the same path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "orchestrator/cgroup/cgroup_limits.h"

namespace podctl {

struct CgroupUsage {
  std::optional<uint64_t> cpu_usec;             // CPU time used since the cgroup was made
  std::optional<uint64_t> memory_working_set;   // bytes
};

CgroupUsage read_cgroup_usage(const ControllerLayout& layout, const std::string& v2_cgroup);

// Millicores between two readings `elapsed_usec` apart (0 when either has no CPU time).
uint64_t millicores(const CgroupUsage& before, const CgroupUsage& after, uint64_t elapsed_usec);

}  // namespace podctl
