#include "base/safe_open.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace podctl {
namespace {

Result<UniqueFd> open_how_at(int dir_fd, std::string_view path, int flags, mode_t mode, uint64_t resolve) {
  std::string p(path.empty() ? "." : path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = resolve;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dir_fd, p.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    // EAGAIN: a rename raced the lookup (RESOLVE_IN_ROOT asks to retry).
    if (errno != EAGAIN && errno != EINTR) return fail(sys_error("open " + p));
  }
}

}  // namespace

Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, mode_t mode) {
  return open_how_at(root_fd, path, flags, mode, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

Result<UniqueFd> open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode) {
  return open_how_at(dir_fd, path, flags, mode, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

Result<UniqueFd> open_within(int dir_fd, std::string_view path, int flags, mode_t mode) {
  return open_how_at(dir_fd, path, flags, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
}

Result<UniqueFd> open_directory(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail(sys_error("open " + path));
  return fd;
}

namespace {

using Opener = Result<UniqueFd> (*)(int, std::string_view, int, mode_t);

Result<UniqueFd> make_dirs_with(Opener open, int root_fd, std::string_view path, mode_t mode) {
  UniqueFd dir;
  PODCTL_ASSIGN_OR_RETURN(dir, open(root_fd, ".", O_PATH | O_DIRECTORY, 0));
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string part(path.substr(start, end - start));
    start = end + 1;
    if (part.empty() || part == ".") continue;
    // Each step is resolved from the root again, so a symlink that appears between two steps
    // still cannot lead out; a directory made is made in the fd of its parent.
    std::string so_far(path.substr(0, end));
    auto next = open(root_fd, so_far, O_PATH | O_DIRECTORY, 0);
    if (!next && next.error().code == ENOENT) {
      if (part == "..") return fail(sys_error("make " + so_far, ENOENT));
      if (::mkdirat(dir.get(), part.c_str(), mode) != 0 && errno != EEXIST) return fail(sys_error("mkdir " + so_far));
      next = open(root_fd, so_far, O_PATH | O_DIRECTORY, 0);
    }
    if (!next) return fail(next.error());
    dir = std::move(*next);
  }
  return dir;
}

}  // namespace

Result<UniqueFd> make_dirs_beneath(int dir_fd, std::string_view path, mode_t mode) {
  return make_dirs_with(open_beneath, dir_fd, path, mode);
}

Result<UniqueFd> make_dirs_within(int dir_fd, std::string_view path, mode_t mode) {
  return make_dirs_with(open_within, dir_fd, path, mode);
}

std::string check_relative_path(std::string_view path) {
  if (path.empty()) return "must not be empty";
  if (path.front() == '/') return "must be a relative path";
  if (path.find('\0') != std::string_view::npos) return "must not contain a NUL byte";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return "must not contain '..'";
    start = end + 1;
  }
  return "";
}

}  // namespace podctl
