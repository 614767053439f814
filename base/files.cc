#include "base/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "base/unique_fd.h"

namespace podctl {

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(sys_error("open " + path));
  return read_fd(fd.get(), path);
}

Result<std::string> read_fd(int fd, const std::string& path) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(sys_error("read " + path));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

static Status write_all(int fd, const std::string& content, const std::string& path) {
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(sys_error("write " + path));
    }
    off += static_cast<size_t>(n);
  }
  return {};
}

Status write_file_atomic(const std::string& path, const std::string& content, unsigned mode, bool durable) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return fail(sys_error("create " + tmp));
  // On each failure below the temporary file goes (best effort); the failure itself is reported.
  if (auto st = write_all(fd.get(), content, tmp); !st) {
    (void)::unlink(tmp.c_str());
    return st;
  }
  if (durable && ::fsync(fd.get()) != 0) {
    auto e = sys_error("fsync " + tmp);
    (void)::unlink(tmp.c_str());
    return fail(e);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = sys_error("rename " + tmp + " to " + path);
    (void)::unlink(tmp.c_str());
    return fail(e);
  }
  if (!durable) return {};
  // The rename is durable only once the directory entry is on disk.
  std::string dir = std::filesystem::path(path).parent_path().string();
  UniqueFd dfd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd) ::fsync(dfd.get());
  return {};
}

Status write_runtime_file(const std::string& path, const std::string& content, unsigned mode) {
  return write_file_atomic(path, content, mode, /*durable=*/false);
}

Status write_setting(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail(sys_error("open " + path));
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    return fail(sys_error("write " + value + " to " + path));
  return {};
}

Status make_dirs(const std::string& path, unsigned mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return fail(sys_error("mkdir " + path, ec.value()));
  ::chmod(path.c_str(), mode);
  return {};
}

static Status remove_tree_at(int parent_fd, const char* name, dev_t dev, const std::string& shown) {
  struct stat st {};
  if (::fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return fail(sys_error("stat " + shown));
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != dev) return fail(sys_error("remove " + shown + " (a mount point)", EBUSY));
    UniqueFd dfd(::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dfd) return fail(sys_error("open " + shown));
    DIR* d = ::fdopendir(::dup(dfd.get()));
    if (!d) return fail(sys_error("opendir " + shown));
    std::vector<std::string> names;
    while (auto* ent = ::readdir(d)) {
      std::string n = ent->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) PODCTL_TRY(remove_tree_at(dfd.get(), n.c_str(), dev, shown + "/" + n));
    if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) return fail(sys_error("rmdir " + shown));
    return {};
  }
  if (::unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT) return fail(sys_error("unlink " + shown));
  return {};
}

Status remove_tree(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return fail(sys_error("stat " + path));
  }
  return remove_tree_at(AT_FDCWD, path.c_str(), st.st_dev, path);
}

Status remove_tree_at(int dir_fd, const std::string& name) {
  struct stat st {};
  if (::fstat(dir_fd, &st) != 0) return fail(sys_error("stat the directory of " + name));
  return remove_tree_at(dir_fd, name.c_str(), st.st_dev, name);
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(path.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return fail(sys_error("opendir " + path));
  }
  while (auto* ent = ::readdir(d)) {
    std::string n = ent->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace podctl
