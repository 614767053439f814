#include "base/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace podctl {

Result<FileLock> FileLock::acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail(sys_error("open lock " + path));
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return fail(sys_error("flock " + path));
  }
  return FileLock(std::move(fd));
}

Result<std::optional<FileLock>> FileLock::try_acquire(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail(sys_error("open lock " + path));
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::optional<FileLock>{};
    if (errno != EINTR) return fail(sys_error("flock " + path));
  }
  return std::optional<FileLock>{FileLock(std::move(fd))};
}

}  // namespace podctl
