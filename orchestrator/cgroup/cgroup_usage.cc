#include "orchestrator/cgroup/cgroup_usage.h"

#include <fstream>

#include "base/files.h"

namespace podctl {
namespace {

// "key value" lines (cpu.stat, memory.stat).
std::optional<uint64_t> stat_value(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<uint64_t> number_in(const std::string& file) {
  std::ifstream in(file);
  uint64_t v;
  if (in >> v) return v;
  return std::nullopt;
}

// usage less inactive file pages: what the kubelet evicts by and kubectl top shows.
std::optional<uint64_t> working_set(const std::optional<uint64_t>& usage, const std::optional<uint64_t>& inactive) {
  if (!usage) return std::nullopt;
  uint64_t less = inactive.value_or(0);
  return *usage > less ? *usage - less : 0;
}

}  // namespace

CgroupUsage read_cgroup_usage(const ControllerLayout& layout, const std::string& v2_cgroup) {
  CgroupUsage out;
  out.cpu_usec = stat_value(v2_cgroup + "/cpu.stat", "usage_usec");
  if (layout.in_v2.count("memory") && layout.in_v2.at("memory")) {
    out.memory_working_set =
        working_set(number_in(v2_cgroup + "/memory.current"), stat_value(v2_cgroup + "/memory.stat", "inactive_file"));
  } else if (auto v1 = layout.v1_mount.find("memory"); v1 != layout.v1_mount.end()) {
    std::string dir = v1->second + v2_cgroup.substr(layout.v2_mount.size());
    out.memory_working_set = working_set(number_in(dir + "/memory.usage_in_bytes"),
                                         stat_value(dir + "/memory.stat", "total_inactive_file"));
  }
  return out;
}

uint64_t millicores(const CgroupUsage& before, const CgroupUsage& after, uint64_t elapsed_usec) {
  if (!before.cpu_usec || !after.cpu_usec || elapsed_usec == 0 || *after.cpu_usec < *before.cpu_usec) return 0;
  return (*after.cpu_usec - *before.cpu_usec) * 1000 / elapsed_usec;
}

}  // namespace podctl
