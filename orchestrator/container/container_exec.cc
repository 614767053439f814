#include "orchestrator/container/container_exec.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>

#include "base/files.h"
#include "orchestrator/cgroup/cgroup_limits.h"
#include "orchestrator/container/sealed_binary.h"

namespace podctl {
namespace {

uint64_t hex_field(const std::string& status, const char* key) {
  auto at = status.find(key);
  return at == std::string::npos ? 0 : std::stoull(status.substr(at + std::strlen(key)), nullptr, 16);
}

void write_error(const char* what, int err) {
  std::string line = std::string("podctl exec: ") + what + ": " + std::strerror(err) + "\n";
  (void)!::write(2, line.data(), line.size());
}

void wire_stdio(const ExecStdio& stdio) {
  auto must = [](bool ok, const char* what) {
    if (ok) return;
    write_error(what, errno);
    ::_exit(126);
  };
  int in = stdio.in >= 0 ? stdio.in : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  must(in >= 0 && ::dup2(in, 0) >= 0, "connect stdin");
  if (stdio.out >= 0) must(::dup2(stdio.out, 1) >= 0, "connect stdout");
  if (stdio.err >= 0) must(::dup2(stdio.err, 2) >= 0, "connect stderr");
}

}  // namespace

Result<ExecTarget> describe_container_process(pid_t pid) {
  ExecTarget t;
  t.pid = pid;
  std::string proc = "/proc/" + std::to_string(pid);
  auto status = read_file(proc + "/status");
  auto environ = read_file(proc + "/environ");
  if (!status || !environ) return fail(make_error("the container's process " + std::to_string(pid) + " is gone"));
  std::istringstream lines(*status);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line.substr(line.find(':') + 1));
    if (line.rfind("Uid:", 0) == 0) in >> t.uid;
    if (line.rfind("Gid:", 0) == 0) in >> t.gid;
    if (line.rfind("Groups:", 0) == 0)
      for (gid_t g; in >> g;) t.groups.push_back(g);
  }
  t.bounding = hex_field(*status, "CapBnd:");
  t.no_new_privs = hex_field(*status, "NoNewPrivs:") != 0;
  for (size_t start = 0; start < environ->size();) {
    size_t end = environ->find('\0', start);
    if (end == std::string::npos) end = environ->size();
    if (end > start) t.env.push_back(environ->substr(start, end - start));
    start = end + 1;
  }
  return t;
}

Result<UniqueFd> recv_terminal(int socket) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n < 0) return fail(sys_error("receive the terminal"));
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (n == 0 || !c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    return fail(make_error("the command's process exited before it made a terminal"));
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return UniqueFd(fd);
}

int exit_status_of(const siginfo_t& info) { return info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status; }

namespace {

std::string join_groups(const std::vector<gid_t>& groups) {
  std::string out;
  for (gid_t g : groups) {
    if (!out.empty()) out.push_back(',');
    out.append(std::to_string(g));
  }
  return out;
}

}  // namespace

Result<ChildProcess> spawn_in_container(const ExecTarget& target, int container_pidfd,
                                        const std::vector<std::string>& argv, const ExecStdio& stdio) {
  // The last step runs as podctl-enter from a sealed memfd: see enter_main.cc.
  UniqueFd sealed;
  PODCTL_ASSIGN_OR_RETURN(sealed, sealed_copy(enter_binary_path()));
  // Above fds 3, 4 and 5, which the child makes the container's pidfd, its seccomp filter and the
  // terminal socket.
  UniqueFd enter(::fcntl(sealed.get(), F_DUPFD_CLOEXEC, 6));
  if (!enter) return fail(sys_error("dup the sealed podctl-enter"));
  UniqueFd filter;
  if (!target.seccomp.empty()) {
    UniqueFd mem(::memfd_create("seccomp", MFD_CLOEXEC));
    size_t bytes = target.seccomp.size() * sizeof(sock_filter);
    if (!mem || ::write(mem.get(), target.seccomp.data(), bytes) != static_cast<ssize_t>(bytes))
      return fail(sys_error("pass the seccomp filter to podctl-enter"));
    filter.reset(::fcntl(mem.get(), F_DUPFD_CLOEXEC, 6));
    if (!filter) return fail(sys_error("dup the seccomp filter"));
  }
  char caps[32];
  std::snprintf(caps, sizeof caps, "%llx", static_cast<unsigned long long>(target.bounding));
  std::string flags = "-";
  if (target.no_new_privs) flags.push_back('n');
  if (stdio.die_with_parent) flags.push_back('d');
  if (filter) flags.push_back('s');  // the filter is fd 4
  UniqueFd terminal;
  if (stdio.terminal_socket >= 0) {
    flags.push_back('t');  // the socket is fd 5
    terminal.reset(::fcntl(stdio.terminal_socket, F_DUPFD_CLOEXEC, 6));
    if (!terminal) return fail(sys_error("dup the terminal socket"));
  }
  // Everything the children need is built before the fork.
  // The container's pidfd reaches podctl-enter as fd 3.
  std::vector<std::string> args = {
      "podctl-enter", "3",   std::to_string(target.uid), std::to_string(target.gid), join_groups(target.groups),
      caps,           flags, target.working_dir};
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<std::string> env = target.env;
  std::vector<char*> c_argv, c_envp;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (auto& e : env) c_envp.push_back(e.data());
  c_envp.push_back(nullptr);
  UniqueFd cgroup;
  std::vector<UniqueFd> v1_tasks;  // hybrid hosts: the container's v1 cgroups, which the child joins
  if (!target.cgroup.empty()) {
    cgroup.reset(::open(target.cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    for (const auto& dir : v1_cgroups_of(target.cgroup)) {
      v1_tasks.emplace_back(::open((dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC));
      if (!v1_tasks.back()) return fail(sys_error("open " + dir + "/tasks"));
    }
  }

  ChildProcess child;
  pid_t pid;
  // Born in the container's cgroup: its limits and device rules apply, and cgroup.kill reaches
  // the command too.
  PODCTL_ASSIGN_OR_RETURN(pid, clone3_process({0, cgroup.get()}, child));
  if (pid > 0) return child;

  // And in its v1 cgroups (memory, cpu, pids, devices), before anything else. "0" to `tasks` moves
  // this one thread, which is the whole process here, without the kernel's global cgroup write
  // lock that a write to cgroup.procs takes.
  for (const auto& fd : v1_tasks)
    if (::write(fd.get(), "0", 1) != 1) {
      write_error("join the container's cgroup v1 group", errno);
      ::_exit(126);
    }

  // podctl-enter replaces this copy of podctl before anything joins the container: see
  // enter_main.cc. Until then the process is in the container's cgroup only, and not dumpable.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    write_error("make the process non-dumpable", errno);
    ::_exit(126);
  }
  wire_stdio(stdio);
  if (container_pidfd == 3 ? ::fcntl(3, F_SETFD, 0) < 0 : ::dup2(container_pidfd, 3) < 0) {
    write_error("pass the container's pidfd", errno);
    ::_exit(126);
  }
  if (filter && ::dup2(filter.get(), 4) < 0) {
    write_error("pass the seccomp filter", errno);
    ::_exit(126);
  }
  if (terminal && ::dup2(terminal.get(), 5) < 0) {
    write_error("pass the terminal socket", errno);
    ::_exit(126);
  }
  cloexec_from_in_child(terminal ? 6 : 5);
  ::fexecve(enter.get(), c_argv.data(), c_envp.data());
  write_error("exec podctl-enter", errno);
  ::_exit(126);
}

}  // namespace podctl
