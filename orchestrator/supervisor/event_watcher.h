// podctl - the supervisor's epoll set: every fd the loop waits on is registered here with a tag
// that says what it is (a container's pidfd, a log pipe, a probe's socket…) and for which container.
#pragma once

#include <sys/epoll.h>

#include <cstdint>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl::supervisor {

enum class Tag : uint32_t { Signal = 1, Timer, Pause, Exit, Stdout, Stderr, Handler, Config, Pull };

inline uint64_t tag(Tag kind, size_t index = 0) { return (static_cast<uint64_t>(kind) << 32) | index; }
inline Tag tag_kind(uint64_t data) { return static_cast<Tag>(data >> 32); }
inline size_t tag_index(uint64_t data) { return data & 0xffffffff; }

class EventWatcher {
 public:
  Status open();
  int fd() const { return epoll_.get(); }
  [[nodiscard]] Status watch(int fd, uint64_t data, uint32_t events = EPOLLIN);
  [[nodiscard]] Status modify(int fd, uint64_t data, uint32_t events);
  // Called just before the fd is closed; closing it would remove it from the set anyway.
  void unwatch(int fd);

 private:
  Status control(int op, int fd, uint64_t data, uint32_t events);
  UniqueFd epoll_;
};

}  // namespace podctl::supervisor
