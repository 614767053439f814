#include "orchestrator/cli/exec_terminal.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "base/unique_fd.h"
#include "orchestrator/container/container_exec.h"

namespace podctl {
namespace {

// The user's terminal: stdin when it is one, else stdout; -1 when neither is.
int user_terminal() { return ::isatty(0) ? 0 : ::isatty(1) ? 1 : -1; }

void copy_size(int master) {
  winsize ws{};
  int from = user_terminal();
  if (from >= 0 && ::ioctl(from, TIOCGWINSZ, &ws) == 0) (void)::ioctl(master, TIOCSWINSZ, &ws);
}

// Raw mode on the user's terminal while the command runs (keys reach the command as typed: the
// container's terminal does the line editing and the signals), restored when it ends.
class RawMode {
 public:
  explicit RawMode(bool wanted) {
    active_ = wanted && ::isatty(0) && ::tcgetattr(0, &saved_) == 0;
    if (!active_) return;
    termios t = saved_;
    ::cfmakeraw(&t);
    (void)::tcsetattr(0, TCSANOW, &t);
  }
  ~RawMode() {
    if (active_) (void)::tcsetattr(0, TCSANOW, &saved_);
  }
  RawMode(const RawMode&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// Writes all of buf; false when the other side is gone.
bool write_all(int fd, const char* buf, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    buf += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Copies between the user's terminal and the master until the command's side closes.
void relay(int master, int resize_fd, bool forward_stdin) {
  char buf[16384];
  for (;;) {
    pollfd fds[3] = {{master, POLLIN, 0}, {forward_stdin ? 0 : -1, POLLIN, 0}, {resize_fd, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      (void)!::read(resize_fd, &si, sizeof si);
      copy_size(master);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) return;  // EIO: every holder of the terminal's slave end is gone
      if (!write_all(1, buf, static_cast<size_t>(n))) return;
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0)
        forward_stdin = false;  // as kubectl: the end of stdin is not the end of the command
      else if (!write_all(master, buf, static_cast<size_t>(n)))
        return;
    }
  }
}

}  // namespace

int wait_for(ChildProcess& child) {
  siginfo_t info{};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), child.pidfd(), &info, WEXITED) < 0 && errno == EINTR) {
  }
  child.release();
  return exit_status_of(info);
}

int run_with_terminal(int socket, ChildProcess& child, bool forward_stdin) {
  auto master = recv_terminal(socket);
  if (!master) return wait_for(child);  // it said why on stderr
  sigset_t winch, old;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  ::sigprocmask(SIG_BLOCK, &winch, &old);
  UniqueFd resize(::signalfd(-1, &winch, SFD_CLOEXEC));
  // Sized before the command starts, so that it draws at the right size from its first frame.
  copy_size(master->get());
  char go = 'g';
  if (::write(socket, &go, 1) != 1) std::cerr << "error: the command's process exited before it started\n";
  {
    RawMode raw(forward_stdin);
    relay(master->get(), resize.get(), forward_stdin);
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  return wait_for(child);
}

}  // namespace podctl
