// podctl exec NAME [-c C] [-i] [-t] -- CMD…: run a command in a running container, joining all of
// its namespaces (setns by pidfd, like nsenter) and its cgroup, with its environment, user and
// capabilities. The exit code is the command's.
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/files.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/runtime/capabilities.h"
#include "orchestrator/runtime/child_process.h"

namespace podctl {
namespace {

struct Target {
  pid_t pid = 0;
  std::string cgroup;
  std::string working_dir = "/";
  std::vector<std::string> env;
  uint32_t uid = 0, gid = 0;
  std::vector<gid_t> groups;
  uint64_t bounding = 0;
};

uint64_t hex_field(const std::string& status, const char* key) {
  auto at = status.find(key);
  return at == std::string::npos ? 0 : std::stoull(status.substr(at + std::strlen(key)), nullptr, 16);
}

// What the container's main process runs as, read from the kernel rather than recomputed.
Result<Target> describe_process(pid_t pid) {
  Target t;
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

[[noreturn]] void run_in_container(const Target& t, int pidfd, const std::vector<std::string>& cmd, int tty_slave) {
  // The cgroup first: after joining the mount namespace, /sys/fs/cgroup is the container's view.
  if (!t.cgroup.empty()) {
    std::ofstream procs(t.cgroup + "/cgroup.procs");
    procs << ::getpid() << std::flush;
  }
  if (::setns(pidfd, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0) {
    std::perror("podctl exec: setns");
    ::_exit(126);
  }
  // Joining a pid namespace applies to children only: fork once more.
  pid_t inner = ::fork();
  if (inner < 0) ::_exit(126);
  if (inner > 0) {
    int status = 0;
    while (::waitpid(inner, &status, 0) < 0 && errno == EINTR) {
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  if (tty_slave >= 0) {
    ::setsid();
    ::ioctl(tty_slave, TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; ++fd) ::dup2(tty_slave, fd);
  }
  if (::chdir(t.working_dir.c_str()) != 0) (void)::chdir("/");
  drop_bounding_capabilities_in_child(t.bounding);
  if (::setgroups(t.groups.size(), t.groups.data()) != 0 || ::setresgid(t.gid, t.gid, t.gid) != 0 ||
      ::setresuid(t.uid, t.uid, t.uid) != 0) {
    std::perror("podctl exec: set user");
    ::_exit(126);
  }
  if (t.uid == 0) set_process_capabilities_in_child(t.bounding);
  std::vector<char*> argv, envp;
  std::vector<std::string> args = cmd, env = t.env;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (const auto& e : env)
    if (e.rfind("PATH=", 0) == 0) ::setenv("PATH", e.c_str() + 5, 1);
  ::execvpe(argv[0], argv.data(), envp.data());
  int err = errno;
  std::fprintf(stderr, "exec: \"%s\": %s\n", argv[0],
               err == ENOENT ? "executable file not found in $PATH" : std::strerror(err));
  ::_exit(err == ENOENT ? 127 : 126);
}

// Copies between the terminal and the pty master until the command ends.
int proxy_tty(int master, pid_t child, bool forward_stdin) {
  termios saved{};
  bool raw = forward_stdin && ::isatty(0) && ::tcgetattr(0, &saved) == 0;
  if (raw) {
    termios t = saved;
    ::cfmakeraw(&t);
    ::tcsetattr(0, TCSANOW, &t);
  }
  if (::isatty(1)) {
    winsize ws{};
    if (::ioctl(1, TIOCGWINSZ, &ws) == 0) ::ioctl(master, TIOCSWINSZ, &ws);
  }
  char buf[16384];
  for (;;) {
    pollfd fds[2] = {{master, POLLIN, 0}, {forward_stdin ? 0 : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      (void)!::write(1, buf, static_cast<size_t>(n));
    }
    if (fds[1].revents & POLLIN) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) forward_stdin = false;
      else (void)!::write(master, buf, static_cast<size_t>(n));
    }
  }
  if (raw) ::tcsetattr(0, TCSANOW, &saved);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int cmd_exec(const Invocation& inv) {
  if (inv.args.empty()) return report_error("usage: podctl exec NAME [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS…]", kExitUsage);
  std::vector<std::string> cmd(inv.args.begin() + 1, inv.args.end());
  cmd.insert(cmd.end(), inv.after_dash.begin(), inv.after_dash.end());
  if (cmd.empty()) return report_error("exec needs a command after --", kExitUsage);
  auto record = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, inv.args[0]);
  if (!record) return report_error("pods \"" + inv.args[0] + "\" not found");
  if (!record->supervisor_alive) return report_error("pod " + inv.args[0] + " is not running (its supervisor is gone)");
  std::string container = inv.has("container") ? inv.get<std::string>("container")
                                                : record->spec["spec"]["containers"][0]["name"].get<std::string>();
  const auto& procs = record->status.value("runtime", nlohmann::json::object()).value("containers", nlohmann::json::object());
  if (!procs.contains(container))
    return report_error("container \"" + container + "\" in pod \"" + inv.args[0] + "\" is not running");
  pid_t pid = procs[container]["pid"].get<pid_t>();
  ProcessIdentity id{pid, procs[container]["startTime"].get<uint64_t>()};
  auto target = describe_process(pid);
  if (!target || !process_alive(id)) return report_error("container \"" + container + "\" is not running");
  target->cgroup = procs[container].value("cgroup", "");
  for (const auto& c : record->spec["spec"]["containers"])
    if (c["name"] == container && c.contains("workingDir")) target->working_dir = c["workingDir"];
  auto pidfd = pidfd_open_pid(pid);
  if (!pidfd) return report_error(pidfd.error().message);
  bool tty = inv.vm["tty"].as<bool>(), interactive = inv.vm["stdin"].as<bool>();
  int master = -1, slave = -1;
  if (tty && ::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return report_error(sys_error("openpty").message);
  pid_t child = ::fork();
  if (child < 0) return report_error(sys_error("fork").message);
  if (child == 0) {
    if (!interactive && !tty) {
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
    }
    if (master >= 0) ::close(master);
    run_in_container(*target, pidfd->get(), cmd, slave);
  }
  if (slave >= 0) ::close(slave);
  if (tty) return proxy_tty(master, child, interactive);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void exec_options(po::options_description& d) {
  d.add_options()
      ("container,c", po::value<std::string>(), "container name (default: the first)")
      ("stdin,i", po::bool_switch()->default_value(false), "pass stdin to the command")
      ("tty,t", po::bool_switch()->default_value(false), "allocate a terminal");
}

}  // namespace podctl
