// podctl - FileLock: an exclusive flock held for the lifetime of the object.
#pragma once

#include <optional>
#include <string>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

class FileLock {
 public:
  // Blocks until the lock is free. The lock file is created if missing.
  static Result<FileLock> acquire(const std::string& path);
  // Nothing when another holder has it.
  static Result<std::optional<FileLock>> try_acquire(const std::string& path);
  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;
  // Unlocks now rather than at destruction.
  void release() { fd_.reset(); }

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace podctl
