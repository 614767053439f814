#include "orchestrator/supervisor/event_watcher.h"

namespace podctl::supervisor {

Status EventWatcher::open() {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return fail(sys_error("epoll_create1"));
  return {};
}

Status EventWatcher::control(int op, int fd, uint64_t data, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = data;
  if (::epoll_ctl(epoll_.get(), op, fd, &ev) != 0)
    return fail(sys_error(op == EPOLL_CTL_ADD ? "epoll_ctl add" : "epoll_ctl mod"));
  return {};
}

Status EventWatcher::watch(int fd, uint64_t data, uint32_t events) { return control(EPOLL_CTL_ADD, fd, data, events); }

Status EventWatcher::modify(int fd, uint64_t data, uint32_t events) { return control(EPOLL_CTL_MOD, fd, data, events); }

void EventWatcher::unwatch(int fd) {
  // ENOENT/EBADF only: the fd was never added (a failed start) or is gone; either way it is not
  // in the set, which is all this asks.
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

}  // namespace podctl::supervisor
