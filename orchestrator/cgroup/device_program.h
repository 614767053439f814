// podctl - device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program, built instruction by
// instruction (no libbpf, as crun and systemd do it), loaded and attached to the container's
// cgroup with BPF_CGROUP_DEVICE. The kernel runs it on every open and mknod of a device node; it
// allows what a rule matches and denies the rest. On a hybrid host it applies too (the kernel
// asks both the program and the v1 controller), so podctl attaches it wherever there is a v2
// hierarchy.
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "base/error.h"
#include "orchestrator/plan/device_rules.h"

namespace podctl {

// The program's instructions (exposed for tests).
std::vector<bpf_insn> device_program(const std::vector<plan::DeviceRule>& rules);

// Loads the program and attaches it to the cgroup directory `cgroup_fd`, replacing any program
// podctl attached there before.
Status attach_device_program(int cgroup_fd, const std::vector<plan::DeviceRule>& rules);

}  // namespace podctl
