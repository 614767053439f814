#include "orchestrator/runtime/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "base/files.h"
#include "base/unique_fd.h"

namespace podctl {
namespace {

constexpr const char* kData = "..data";

std::string timestamped_name() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "..%04d_%02d_%02d_%02d_%02d_%02d.%09ld", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec);
  return buf;
}

size_t count_files(const std::string& dir) {
  size_t n = 0;
  auto entries = list_dir(dir);
  if (!entries) return 0;
  for (const auto& e : *entries) {
    struct stat st{};
    if (::lstat((dir + "/" + e).c_str(), &st) != 0) continue;
    n += S_ISDIR(st.st_mode) ? count_files(dir + "/" + e) : 1;
  }
  return n;
}

bool same_as_current(const std::string& dir, const std::map<std::string, FileToWrite>& files, long long group) {
  std::string current = dir + "/" + kData;
  for (const auto& [path, f] : files) {
    struct stat st{};
    auto text = read_file(current + "/" + path);
    if (!text || *text != f.content || ::stat((current + "/" + path).c_str(), &st) != 0 ||
        (st.st_mode & 07777) != f.mode || (group >= 0 && st.st_gid != static_cast<gid_t>(group)))
      return false;
  }
  return count_files(current) == files.size();
}

Status write_file(const std::string& path, const FileToWrite& f, long long group) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return fail(sys_error("create " + path));
  if (::write(fd.get(), f.content.data(), f.content.size()) != static_cast<ssize_t>(f.content.size()))
    return fail(sys_error("write " + path));
  if (group >= 0 && ::fchown(fd.get(), static_cast<uid_t>(-1), static_cast<gid_t>(group)) != 0)
    return fail(sys_error("chown " + path));
  if (::fchmod(fd.get(), f.mode) != 0) return fail(sys_error("chmod " + path));
  return {};
}

}  // namespace

Result<bool> write_volume_atomically(const std::string& dir, const std::map<std::string, FileToWrite>& files,
                                     long long group) {
  PODCTL_TRY(make_dirs(dir, 0755));
  if (path_exists(dir + "/" + kData) && same_as_current(dir, files, group)) return false;
  std::string version = timestamped_name();
  std::string staging = dir + "/" + version;
  PODCTL_TRY(make_dirs(staging, 0755));
  if (group >= 0) (void)::chown(staging.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(group));
  std::set<std::string> top;
  for (const auto& [path, f] : files) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos) PODCTL_TRY(make_dirs(staging + "/" + path.substr(0, slash), 0755));
    PODCTL_TRY(write_file(staging + "/" + path, f, group));
    top.insert(path.substr(0, path.find('/')));
  }
  // The swap: a fresh symlink renamed over "..data" in one step.
  std::string old_target;
  char buf[256];
  ssize_t n = ::readlink((dir + "/" + kData).c_str(), buf, sizeof buf);
  if (n > 0) old_target.assign(buf, static_cast<size_t>(n));
  std::string tmp_link = dir + "/..data_tmp";
  ::unlink(tmp_link.c_str());
  if (::symlink(version.c_str(), tmp_link.c_str()) != 0) return fail(sys_error("symlink " + tmp_link));
  if (::rename(tmp_link.c_str(), (dir + "/" + kData).c_str()) != 0) return fail(sys_error("rename ..data"));
  // Top-level names point through ..data; names no longer present go.
  auto entries = list_dir(dir);
  if (entries)
    for (const auto& e : *entries)
      if (e.rfind("..", 0) != 0 && !top.count(e)) ::unlink((dir + "/" + e).c_str());
  for (const auto& name : top) {
    std::string link = dir + "/" + name;
    if (::symlink((std::string(kData) + "/" + name).c_str(), link.c_str()) != 0 && errno != EEXIST)
      return fail(sys_error("symlink " + link));
  }
  if (!old_target.empty()) (void)remove_tree(dir + "/" + old_target);
  return true;
}

}  // namespace podctl
