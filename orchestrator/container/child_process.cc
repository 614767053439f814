#include "orchestrator/container/child_process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace podctl {

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = other.pid_;
    pidfd_ = std::move(other.pidfd_);
    other.pid_ = 0;
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::kill_and_reap() {
  if (pid_ <= 0) return;
  if (pidfd_)
    pidfd_send_signal_to(pidfd_.get(), SIGKILL);
  else
    ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  pidfd_.reset();
}

Result<pid_t> clone3_process(const CloneRequest& request, ChildProcess& out) {
  int pidfd = -1;
  clone_args args;
  std::memset(&args, 0, sizeof args);
  args.flags = request.flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (request.cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(request.cgroup_fd);
  }
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return fail(sys_error("clone3"));
  if (pid == 0) return 0;
  out = ChildProcess(static_cast<pid_t>(pid), UniqueFd(pidfd));
  return static_cast<pid_t>(pid);
}

int pidfd_send_signal_to(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

Result<UniqueFd> pidfd_open_pid(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return fail(sys_error("pidfd_open " + std::to_string(pid)));
  return UniqueFd(fd);
}

void cloexec_from_in_child(int first) {
  if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  // Kernels before 5.11: one fcntl per possible fd.
  rlimit limit{};
  int top =
      ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 1u << 20 ? static_cast<int>(limit.rlim_cur) : 1 << 20;
  for (int fd = first; fd < top; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

Status spawn_detached(const std::string& exe, std::vector<std::string> args, const std::string& log, int fd3,
                      int cgroup_fd) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return fail(sys_error("fork"));
  if (pid == 0) {
    ChildProcess grandchild;  // never reaped here: this process ends at once, re-parenting it
    auto born = clone3_process({0, cgroup_fd}, grandchild);
    if (!born) ::_exit(126);
    if (*born != 0) ::_exit(0);
    ::setsid();
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(logfd >= 0 ? logfd : devnull, 2);
    if (fd3 >= 0) ::dup2(fd3, 3);
    cloexec_from_in_child(fd3 >= 0 ? 4 : 3);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 126) return fail(make_error("clone3 into the cgroup failed"));
  return {};
}

Result<bool> continue_detached(const std::string& log) {
  std::cout << std::flush;
  std::cerr << std::flush;
  pid_t pid = ::fork();
  if (pid < 0) return fail(sys_error("fork"));
  if (pid == 0) {
    if (::fork() != 0) ::_exit(0);
    ::setsid();
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    ::dup2(devnull, 0);
    ::dup2(logfd >= 0 ? logfd : devnull, 1);
    ::dup2(logfd >= 0 ? logfd : devnull, 2);
    return true;
  }
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return false;
}

}  // namespace podctl
