#include "orchestrator/cgroup/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/files.h"

namespace podctl {

std::vector<CgroupMount> cgroup_mounts() {
  std::vector<CgroupMount> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // "... mountpoint opts - fstype source superopts"
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    CgroupMount m;
    std::string source;
    tail >> m.fstype >> source >> m.options;
    if (m.fstype != "cgroup" && m.fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, devno, root;
    head >> id >> parent >> devno >> root >> m.mountpoint;
    if (root == "/") out.push_back(m);  // not a bind of a sub-cgroup
  }
  return out;
}

Result<std::string> cgroup2_mount() {
  std::string found;
  for (const auto& m : cgroup_mounts())
    if (m.fstype == "cgroup2" && (found.empty() || m.mountpoint == "/sys/fs/cgroup")) found = m.mountpoint;
  if (found.empty())
    return fail(
        make_error("no cgroup v2 hierarchy is mounted: podctl keeps every pod's processes in a cgroup v2 "
                   "group (mount one with: mount -t cgroup2 none /sys/fs/cgroup/unified)"));
  return found;
}

std::string pod_cgroup_path(const std::string& mount, const std::string& pod_uid) {
  return mount + "/podctl/" + pod_uid;
}

// The shared parent (podctl/) goes with the last pod of any root, so another podctl may remove it
// between our mkdir of the parent and of the child: make it again, a bounded number of times.
Status create_cgroup(const std::string& path) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return {};
    auto slash = path.rfind('/');
    if (errno != ENOENT || slash == 0 || slash == std::string::npos) break;
    PODCTL_TRY(create_cgroup(path.substr(0, slash)));
  }
  return fail(sys_error("create cgroup " + path));
}

Result<UniqueFd> open_cgroup(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail(sys_error("open cgroup " + path));
  return fd;
}

std::vector<pid_t> cgroup_pids(const std::string& path) {
  std::vector<pid_t> pids;
  std::ifstream in(path + "/cgroup.procs");
  pid_t p;
  while (in >> p) pids.push_back(p);
  if (auto children = list_dir(path)) {
    for (const auto& c : *children) {
      std::string sub = path + "/" + c;
      if (is_directory(sub)) {
        auto more = cgroup_pids(sub);
        pids.insert(pids.end(), more.begin(), more.end());
      }
    }
  }
  return pids;
}

Status kill_cgroup(const std::string& path) {
  if (!is_directory(path)) return {};
  // cgroup.kill (Linux 5.14) kills the whole tree atomically, including processes forking meanwhile.
  bool killed_atomically = write_setting(path + "/cgroup.kill", "1").has_value();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto pids = cgroup_pids(path);
    if (pids.empty()) return {};
    if (!killed_atomically)
      for (pid_t p : pids) ::kill(p, SIGKILL);
    if (std::chrono::steady_clock::now() > deadline)
      return fail(
          make_error("cgroup " + path + " still has " + std::to_string(pids.size()) + " processes after SIGKILL"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status remove_cgroup(const std::string& path) {
  if (!is_directory(path)) return {};
  if (auto children = list_dir(path)) {
    for (const auto& c : *children)
      if (is_directory(path + "/" + c)) PODCTL_TRY(remove_cgroup(path + "/" + c));
  }
  // A cgroup whose last process just exited can be briefly busy until the kernel frees it.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return fail(sys_error("remove cgroup " + path));
}

}  // namespace podctl
