#include "orchestrator/container/sync_channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace podctl {
namespace {

struct ErrorRecord {
  int err;
  char step[160];
  char detail[352];
};

void copy_text(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

}  // namespace

Result<SyncChannel> SyncChannel::create() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) return fail(sys_error("socketpair"));
  SyncChannel c;
  c.parent_.reset(fds[0]);
  c.child_.reset(fds[1]);
  return c;
}

Status SyncChannel::send_go() {
  char go = 'G';
  if (::send(parent_.get(), &go, 1, MSG_NOSIGNAL) != 1) return fail(sys_error("signal the child to go on"));
  return {};
}

Status SyncChannel::expect_exec() {
  ErrorRecord rec{};
  ssize_t n;
  do {
    n = ::recv(parent_.get(), &rec, sizeof rec, 0);
  } while (n < 0 && errno == EINTR);
  if (n == 0) return {};  // the child's end closed on exec
  if (n < 0) return fail(sys_error("read from the child"));
  if (n != static_cast<ssize_t>(sizeof rec)) return fail(make_error("the child sent a malformed report"));
  rec.step[sizeof rec.step - 1] = '\0';
  rec.detail[sizeof rec.detail - 1] = '\0';
  // A detail is the child's complete message; otherwise it is "step: strerror(errno)".
  std::string message = rec.detail[0] ? std::string(rec.detail) : std::string(rec.step) + ": " + std::strerror(rec.err);
  return fail(Error{rec.err, message});
}

bool SyncChannel::wait_go_in_child() {
  char go = 0;
  ssize_t n;
  do {
    n = ::recv(child_.get(), &go, 1, 0);
  } while (n < 0 && errno == EINTR);
  return n == 1 && go == 'G';
}

void SyncChannel::fail_in_child(const char* step, int err, const char* detail) {
  ErrorRecord rec;
  std::memset(&rec, 0, sizeof rec);
  rec.err = err;
  copy_text(rec.step, sizeof rec.step, step);
  copy_text(rec.detail, sizeof rec.detail, detail);
  (void)::send(child_.get(), &rec, sizeof rec, MSG_NOSIGNAL);
  ::_exit(127);
}

}  // namespace podctl
