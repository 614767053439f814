#include "orchestrator/cgroup/cgroup_limits.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/files.h"
#include "orchestrator/cgroup/cgroup.h"

namespace podctl {
namespace {

const char* const kControllers[] = {"memory", "cpu", "pids"};

// Mount points of the v1 hierarchies, by controller ("cpu,cpuacct" serves cpu).
std::map<std::string, std::string> v1_mounts() {
  std::map<std::string, std::string> out;
  for (const auto& m : cgroup_mounts()) {
    if (m.fstype != "cgroup") continue;
    std::istringstream opts(m.options);
    for (std::string opt; std::getline(opts, opt, ',');)
      if (!out.count(opt)) out[opt] = m.mountpoint;
  }
  return out;
}

std::string relative_to(const std::string& mount, const std::string& path) { return path.substr(mount.size()); }

// cgroup v2 delegates a controller to children only through every ancestor's subtree_control.
Status enable_down_to(const ControllerLayout& layout, const std::string& cgroup) {
  std::string enable;
  for (const char* c : kControllers)
    if (layout.in_v2.count(c) && layout.in_v2.at(c)) enable += std::string(enable.empty() ? "+" : " +") + c;
  if (enable.empty()) return {};
  std::string rel = relative_to(layout.v2_mount, cgroup);
  std::string level = layout.v2_mount;
  for (size_t at = 1; at < rel.size();) {
    size_t next = rel.find('/', at);
    if (next == std::string::npos) break;  // the container's own cgroup is a leaf
    PODCTL_TRY(write_setting(level + "/cgroup.subtree_control", enable));
    level = layout.v2_mount + rel.substr(0, next);
    at = next + 1;
  }
  return write_setting(level + "/cgroup.subtree_control", enable);
}

uint64_t counter(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key) return v;
  return 0;
}

}  // namespace

Result<ControllerLayout> detect_controllers() {
  ControllerLayout layout;
  PODCTL_ASSIGN_OR_RETURN(layout.v2_mount, cgroup2_mount());
  std::string available = read_file(layout.v2_mount + "/cgroup.controllers").value_or("");
  std::istringstream words(available);
  std::map<std::string, bool> v2;
  for (std::string w; words >> w;) v2[w] = true;
  auto v1 = v1_mounts();
  for (const char* c : kControllers) {
    layout.in_v2[c] = v2.count(c) > 0;
    if (!layout.in_v2[c] && v1.count(c)) layout.v1_mount[c] = v1[c];
  }
  // cgroup v2 has no devices controller (an eBPF program does its work); a v1 one is used too.
  if (v1.count("devices")) layout.v1_mount["devices"] = v1["devices"];
  return layout;
}

namespace {

// `oom_group`: an OOM kill takes the whole cgroup (a container), not one process of it.
Result<ContainerCgroups> apply_limits(const ControllerLayout& layout, const std::string& v2_cgroup,
                                      const plan::ContainerLimits& l, int64_t pids_limit, bool oom_group) {
  ContainerCgroups out{v2_cgroup, {}};
  PODCTL_TRY(enable_down_to(layout, v2_cgroup));
  PODCTL_TRY(create_cgroup(v2_cgroup));
  std::string rel = relative_to(layout.v2_mount, v2_cgroup);
  // Each setting goes where its controller is: the v2 cgroup, or the v1 one made for it.
  auto dir_for = [&](const std::string& controller) -> Result<std::string> {
    if (layout.in_v2.at(controller)) return v2_cgroup;
    auto it = layout.v1_mount.find(controller);
    if (it == layout.v1_mount.end()) return std::string();
    std::string dir = it->second + rel;
    PODCTL_TRY(create_cgroup(dir));
    out.v1.push_back(dir);
    return dir;
  };
  std::string memory, cpu, pids;
  PODCTL_ASSIGN_OR_RETURN(memory, dir_for("memory"));
  PODCTL_ASSIGN_OR_RETURN(cpu, dir_for("cpu"));
  PODCTL_ASSIGN_OR_RETURN(pids, dir_for("pids"));
  bool v2_memory = layout.in_v2.at("memory"), v2_cpu = layout.in_v2.at("cpu");
  if (l.memory_max_bytes) {
    if (memory.empty())
      return fail(make_error("limits.memory needs the memory cgroup controller, which this host lacks"));
    PODCTL_TRY(write_setting(memory + (v2_memory ? "/memory.max" : "/memory.limit_in_bytes"),
                             std::to_string(*l.memory_max_bytes)));
    // The whole container is killed on OOM, as the kubelet sets it since 1.32.
    if (v2_memory && oom_group) PODCTL_TRY(write_setting(memory + "/memory.oom.group", "1"));
  }
  if (!cpu.empty()) {
    if (v2_cpu) {
      PODCTL_TRY(write_setting(cpu + "/cpu.weight", std::to_string(l.cpu_weight)));
      PODCTL_TRY(write_setting(cpu + "/cpu.max", (l.cpu_quota_us ? std::to_string(*l.cpu_quota_us) : "max") + " " +
                                                     std::to_string(l.cpu_period_us)));
    } else {
      PODCTL_TRY(write_setting(cpu + "/cpu.shares", std::to_string(l.cpu_shares)));
      PODCTL_TRY(write_setting(cpu + "/cpu.cfs_period_us", std::to_string(l.cpu_period_us)));
      PODCTL_TRY(write_setting(cpu + "/cpu.cfs_quota_us", l.cpu_quota_us ? std::to_string(*l.cpu_quota_us) : "-1"));
    }
  } else if (l.cpu_quota_us) {
    return fail(make_error("limits.cpu needs the cpu cgroup controller, which this host lacks"));
  }
  if (pids_limit > 0) {
    if (pids.empty()) return fail(make_error("--pids-limit needs the pids cgroup controller, which this host lacks"));
    PODCTL_TRY(write_setting(pids + "/pids.max", std::to_string(pids_limit)));
  }
  return out;
}

}  // namespace

Result<ContainerCgroups> apply_container_limits(const ControllerLayout& layout, const std::string& v2_cgroup,
                                                const plan::ContainerLimits& limits, int64_t pids_limit) {
  return apply_limits(layout, v2_cgroup, limits, pids_limit, true);
}

Status apply_pod_limits(const ControllerLayout& layout, const std::string& v2_pod_cgroup,
                        const plan::ContainerLimits& limits) {
  auto applied = apply_limits(layout, v2_pod_cgroup, limits, 0, false);
  if (!applied) return fail(applied.error());
  return {};
}

uint64_t oom_kill_count(const ControllerLayout& layout, const std::string& v2_cgroup) {
  if (layout.in_v2.at("memory")) return counter(v2_cgroup + "/memory.events", "oom_kill");
  auto it = layout.v1_mount.find("memory");
  if (it == layout.v1_mount.end()) return 0;
  return counter(it->second + relative_to(layout.v2_mount, v2_cgroup) + "/memory.oom_control", "oom_kill");
}

std::vector<std::string> v1_cgroups_of(const std::string& v2_cgroup) {
  std::vector<std::string> dirs;
  auto v2_mount = cgroup2_mount();
  if (!v2_mount) return dirs;  // no v2 mount: no cgroup was ever made under one
  std::string rel = relative_to(*v2_mount, v2_cgroup);
  std::map<std::string, bool> seen;
  for (const auto& [controller, mount] : v1_mounts()) {
    if (seen[mount]) continue;
    seen[mount] = true;
    if (is_directory(mount + rel)) dirs.push_back(mount + rel);
  }
  return dirs;
}

Status remove_v1_cgroups(const std::string& v2_pod_cgroup) {
  for (const auto& dir : v1_cgroups_of(v2_pod_cgroup)) {
    PODCTL_TRY(remove_cgroup(dir));
    // The shared parent, once empty: ENOTEMPTY while another pod's cgroup is in it is expected.
    (void)::rmdir(dir.substr(0, dir.rfind('/')).c_str());
  }
  return {};
}

}  // namespace podctl
