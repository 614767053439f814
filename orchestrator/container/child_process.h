// podctl - clone3 with a pidfd, and the owner of a child process: kills and reaps it on
// destruction unless released (crun's cleanup_pid commit-on-success guard).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

struct CloneRequest {
  uint64_t flags = 0;  // CLONE_NEW* flags; CLONE_PIDFD is always added
  int cgroup_fd = -1;  // cgroup v2 directory to start in (CLONE_INTO_CGROUP), or -1
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  // The moved-from owner must forget the pid, or its destructor would kill the process.
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, 0)), pidfd_(std::move(other.pidfd_)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  bool valid() const { return pid_ > 0; }
  // SIGKILL and reap now.
  void kill_and_reap();
  void release() {
    pid_ = 0;
    pidfd_.reset();
  }

 private:
  pid_t pid_ = 0;
  UniqueFd pidfd_;
};

// Returns 0 in the child (like fork), the child's pid in the parent with `out` set.
// The child must only call async-signal-safe code or code that is safe after fork in a
// single-threaded parent, and leave with exec or _exit.
Result<pid_t> clone3_process(const CloneRequest& request, ChildProcess& out);

// In a child about to exec: every fd from `first` up is marked close-on-exec (close_range), so
// that whatever a library opened without O_CLOEXEC (libmnl's netlink socket, a log file) never
// reaches a pod's process. Async-signal-safe; the fds stay usable until the exec.
void cloexec_from_in_child(int first);

// Starts `exe` detached (double fork and setsid: re-parented to init at once, so nobody has to reap
// it), with /dev/null as stdin and stdout, `log` (appended) as stderr and, when given, `fd3` as
// its fd 3, and, when given, born in the cgroup of `cgroup_fd` (CLONE_INTO_CGROUP: moving a running
// process instead takes the kernel's cgroup write lock, which waits for an RCU grace period).
// Returns once the intermediate child is reaped.
Status spawn_detached(const std::string& exe, std::vector<std::string> args, const std::string& log, int fd3 = -1,
                      int cgroup_fd = -1);

// Goes on in the background: the caller gets false once a detached copy of this process (double
// fork and setsid, so that neither Ctrl-C nor the caller's exit reaches it) is running, and that
// copy gets true, with /dev/null as stdin, and stdout and stderr appended to `log`. Only for a
// single-threaded process.
Result<bool> continue_detached(const std::string& log);

int pidfd_send_signal_to(int pidfd, int sig);
// Opens a pidfd for a process that is not our child (the supervisor, a container for exec).
Result<UniqueFd> pidfd_open_pid(pid_t pid);

}  // namespace podctl
