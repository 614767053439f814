// podctl - the capability set of a container: the container runtimes' default set (containerd,
// docker), plus securityContext.capabilities.add, minus .drop; everything when privileged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/container/capability_syscalls.h"

namespace podctl {

uint64_t default_capabilities();
uint64_t all_capabilities();
// Names as Kubernetes writes them ("NET_ADMIN", "CAP_NET_ADMIN" or "ALL").
Result<uint64_t> apply_capability_changes(uint64_t base, const std::vector<std::string>& add,
                                          const std::vector<std::string>& drop);
std::vector<std::string> capability_names(uint64_t set);

}  // namespace podctl
