#include "orchestrator/container/atomic_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "base/files.h"
#include "base/safe_open.h"
#include "base/unique_fd.h"

// Everything below works through a directory fd of the volume directory and opens nothing by a
// string that passes through a link: a container that once could (or still can, if it is
// privileged) put a symlink at "..data" or at a version name gets that link replaced or
// removed, never followed.
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

// A version directory's name as this writer makes it: "..2026_11_30_10_00_00.123456789".
bool is_version_name(const std::string& name) {
  return name.size() == 31 && name.rfind("..", 0) == 0 && name.find('/') == std::string::npos && name != kData &&
         name.find_first_not_of("0123456789_.", 2) == std::string::npos;
}

// The version "..data" names, when it names one of ours.
std::string current_version(int dir) {
  char buf[256];
  ssize_t n = ::readlinkat(dir, kData, buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return "";
  std::string target(buf, static_cast<size_t>(n));
  return is_version_name(target) ? target : "";
}

size_t count_files(int dir) {
  size_t n = 0;
  UniqueFd copy(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* d = copy ? ::fdopendir(copy.release()) : nullptr;
  if (!d) return 0;
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (auto sub = open_beneath(dir, name, O_RDONLY | O_DIRECTORY)) n += count_files(sub->get());
    } else {
      ++n;
    }
  }
  ::closedir(d);
  return n;
}

bool same_as_current(int dir, const std::map<std::string, FileToWrite>& files, long long group) {
  std::string version = current_version(dir);
  if (version.empty()) return false;
  auto current = open_beneath(dir, version, O_RDONLY | O_DIRECTORY);
  if (!current) return false;
  for (const auto& [path, f] : files) {
    auto fd = open_beneath(current->get(), path, O_RDONLY);
    struct stat st {};
    if (!fd || ::fstat(fd->get(), &st) != 0) return false;
    auto text = read_fd(fd->get(), path);
    if (!text || *text != f.content || (st.st_mode & 07777) != f.mode ||
        (group >= 0 && st.st_gid != static_cast<gid_t>(group)))
      return false;
  }
  return count_files(current->get()) == files.size();
}

Status write_file(int dir, const std::string& name, const FileToWrite& f, long long group) {
  UniqueFd fd(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return fail(sys_error("create " + name));
  if (::write(fd.get(), f.content.data(), f.content.size()) != static_cast<ssize_t>(f.content.size()))
    return fail(sys_error("write " + name));
  if (group >= 0 && ::fchown(fd.get(), static_cast<uid_t>(-1), static_cast<gid_t>(group)) != 0)
    return fail(sys_error("chown " + name));
  if (::fchmod(fd.get(), f.mode) != 0) return fail(sys_error("chmod " + name));
  return {};
}

// A new version directory with every file, made beneath `dir` through fds.
Status write_version(int dir, const std::string& version, const std::map<std::string, FileToWrite>& files,
                     long long group) {
  if (::mkdirat(dir, version.c_str(), 0755) != 0) return fail(sys_error("mkdir " + version));
  UniqueFd staging;
  PODCTL_ASSIGN_OR_RETURN(staging, open_beneath(dir, version, O_RDONLY | O_DIRECTORY));
  if (group >= 0) (void)::fchown(staging.get(), static_cast<uid_t>(-1), static_cast<gid_t>(group));
  for (const auto& [path, f] : files) {
    if (auto why = check_relative_path(path); !why.empty())
      return fail(make_error("file path \"" + path + "\" " + why));
    auto slash = path.rfind('/');
    UniqueFd parent;
    if (slash == std::string::npos) {
      PODCTL_ASSIGN_OR_RETURN(parent, open_beneath(staging.get(), ".", O_RDONLY | O_DIRECTORY));
    } else {
      PODCTL_ASSIGN_OR_RETURN(parent, make_dirs_beneath(staging.get(), path.substr(0, slash)));
    }
    PODCTL_TRY(write_file(parent.get(), path.substr(slash == std::string::npos ? 0 : slash + 1), f, group));
  }
  return {};
}

}  // namespace

Result<bool> write_volume_atomically(const std::string& path, const std::map<std::string, FileToWrite>& files,
                                     long long group) {
  PODCTL_TRY(make_dirs(path, 0755));
  UniqueFd dir;
  PODCTL_ASSIGN_OR_RETURN(dir, open_directory(path));
  if (same_as_current(dir.get(), files, group)) return false;
  std::string version = timestamped_name();
  if (auto st = write_version(dir.get(), version, files, group); !st) {
    (void)remove_tree_at(dir.get(), version);
    return fail(st.error());
  }
  std::set<std::string> top;
  for (const auto& [p, f] : files) top.insert(p.substr(0, p.find('/')));
  // The swap: a fresh symlink renamed over "..data" in one step (whatever "..data" was).
  const char* tmp_link = "..data_tmp";
  (void)::unlinkat(dir.get(), tmp_link, 0);
  if (::symlinkat(version.c_str(), dir.get(), tmp_link) != 0)
    return fail(sys_error("symlink " + path + "/" + tmp_link));
  if (::renameat(dir.get(), tmp_link, dir.get(), kData) != 0) return fail(sys_error("rename " + path + "/..data"));
  // Top-level names point through ..data; names no longer present go (a link is unlinked, not
  // followed).
  if (auto entries = list_dir(path))
    for (const auto& e : *entries)
      if (e.rfind("..", 0) != 0 && !top.count(e)) (void)remove_tree_at(dir.get(), e);
  for (const auto& name : top) {
    std::string target = std::string(kData) + "/" + name;
    if (::symlinkat(target.c_str(), dir.get(), name.c_str()) == 0 || errno != EEXIST) continue;
    // Something else is there: only our own link may stay.
    char buf[512];
    ssize_t n = ::readlinkat(dir.get(), name.c_str(), buf, sizeof buf);
    if (n == static_cast<ssize_t>(target.size()) && target.compare(0, target.size(), buf, static_cast<size_t>(n)) == 0)
      continue;
    PODCTL_TRY(remove_tree_at(dir.get(), name));
    if (::symlinkat(target.c_str(), dir.get(), name.c_str()) != 0)
      return fail(sys_error("symlink " + path + "/" + name));
  }
  // Old versions go, by name within this directory only.
  if (auto entries = list_dir(path))
    for (const auto& e : *entries)
      if (is_version_name(e) && e != version) (void)remove_tree_at(dir.get(), e);
  return true;
}

}  // namespace podctl
