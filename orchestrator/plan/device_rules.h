// podctl - which device nodes a container may use: runc's default allow-list (the same as
// containerd's and the kubelet's through them), pure data for the cgroup v1 devices controller
// and for the cgroup v2 eBPF device program.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace podctl::plan {

struct DeviceRule {
  char type = 'a';     // 'c' character, 'b' block, 'a' all
  int64_t major = -1;  // -1: any ('*')
  int64_t minor = -1;
  std::string access;  // some of "rwm" (read, write, mknod)
};

// Deny everything, then allow: mknod of any device (using one still needs a rule below), and
// read/write of null, zero, full, random, urandom, tty, ptmx, the pts and net/tun. A privileged
// container gets everything (one rule: a *:* rwm).
std::vector<DeviceRule> container_device_rules(bool privileged);

// "c 1:3 rwm", as devices.allow takes it.
std::string v1_rule_line(const DeviceRule& rule);

}  // namespace podctl::plan
