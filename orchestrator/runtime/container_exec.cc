#include "orchestrator/runtime/container_exec.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <sstream>

#include "base/files.h"
#include "orchestrator/runtime/capabilities.h"

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
  if (stdio.tty >= 0) {
    ::setsid();
    ::ioctl(stdio.tty, TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; ++fd) ::dup2(stdio.tty, fd);
    return;
  }
  int in = stdio.in >= 0 ? stdio.in : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::dup2(in, 0);
  if (stdio.out >= 0) ::dup2(stdio.out, 1);
  if (stdio.err >= 0) ::dup2(stdio.err, 2);
}

// Runs in the grandchild, inside every namespace of the container.
[[noreturn]] void exec_command(const ExecTarget& t, std::vector<char*>& argv, std::vector<char*>& envp, bool die_with_parent) {
  if (::chdir(t.working_dir.c_str()) != 0) (void)::chdir("/");
  drop_bounding_capabilities_in_child(t.bounding);
  if (::setgroups(t.groups.size(), t.groups.data()) != 0 || ::setresgid(t.gid, t.gid, t.gid) != 0 ||
      ::setresuid(t.uid, t.uid, t.uid) != 0) {
    write_error("set user", errno);
    ::_exit(126);
  }
  if (t.uid == 0) set_process_capabilities_in_child(t.bounding);
  // After the user change, which clears the parent-death signal. The parent lives in an outer pid
  // namespace, so getppid() is 0 while it lives and non-zero once we were reparented.
  if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != 0)) ::_exit(126);
  for (char* e : envp)
    if (e && std::strncmp(e, "PATH=", 5) == 0) ::setenv("PATH", e + 5, 1);
  cloexec_from_in_child(3);
  ::execvpe(argv[0], argv.data(), envp.data());
  int err = errno;
  std::string line = std::string("exec: \"") + argv[0] + "\": " +
                     (err == ENOENT ? "executable file not found in $PATH" : std::strerror(err)) + "\n";
  (void)!::write(2, line.data(), line.size());
  ::_exit(err == ENOENT ? 127 : 126);
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
  for (size_t start = 0; start < environ->size();) {
    size_t end = environ->find('\0', start);
    if (end == std::string::npos) end = environ->size();
    if (end > start) t.env.push_back(environ->substr(start, end - start));
    start = end + 1;
  }
  return t;
}

int exit_status_of(const siginfo_t& info) {
  return info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

Result<ChildProcess> spawn_in_container(const ExecTarget& target, int container_pidfd,
                                        const std::vector<std::string>& argv, const ExecStdio& stdio) {
  // Everything the children need is built before the fork.
  std::vector<std::string> args = argv, env = target.env;
  std::vector<char*> c_argv, c_envp;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (auto& e : env) c_envp.push_back(e.data());
  c_envp.push_back(nullptr);
  UniqueFd cgroup;
  if (!target.cgroup.empty()) cgroup.reset(::open(target.cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));

  ChildProcess child;
  pid_t pid;
  // Born in the container's cgroup: its limits apply, and cgroup.kill reaches the command too.
  PODCTL_ASSIGN_OR_RETURN(pid, clone3_process({0, cgroup.get()}, child));
  if (pid > 0) return child;

  wire_stdio(stdio);
  if (::setns(container_pidfd, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0) {
    write_error("setns", errno);
    ::_exit(126);
  }
  // Joining a pid namespace applies to children only: fork once more.
  pid_t inner = ::fork();
  if (inner < 0) ::_exit(126);
  if (inner == 0) exec_command(target, c_argv, c_envp, stdio.die_with_parent);
  int status = 0;
  while (::waitpid(inner, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

}  // namespace podctl
