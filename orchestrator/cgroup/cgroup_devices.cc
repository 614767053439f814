#include "base/files.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/cgroup/cgroup_limits.h"
#include "orchestrator/cgroup/device_program.h"
#include "orchestrator/plan/device_rules.h"

namespace podctl {

Result<std::string> restrict_devices(const ControllerLayout& layout, const std::string& v2_cgroup, int v2_cgroup_fd,
                                     bool privileged) {
  auto rules = plan::container_device_rules(privileged);
  PODCTL_TRY(attach_device_program(v2_cgroup_fd, rules));
  auto v1 = layout.v1_mount.find("devices");
  if (v1 == layout.v1_mount.end()) return std::string();
  std::string dir = v1->second + v2_cgroup.substr(layout.v2_mount.size());
  PODCTL_TRY(create_cgroup(dir));
  // Deny first: a v1 list only shrinks from what the parent allows, and "a" empties it.
  PODCTL_TRY(write_setting(dir + "/devices.deny", "a"));
  for (const auto& rule : rules) PODCTL_TRY(write_setting(dir + "/devices.allow", plan::v1_rule_line(rule)));
  return dir;
}

}  // namespace podctl
