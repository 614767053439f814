// podctl exec NAME [-c C] [-i] [-t] -- CMD…: run a command in a running container, joining all of
// its namespaces (setns by pidfd, like nsenter) and its cgroup, with its environment, user and
// capabilities. The exit code is the command's.
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/files.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/exec_target.h"
#include "orchestrator/cli/exec_terminal.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_exec.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/store/network_config.h"

namespace podctl {
namespace {

// The container's environment, with the user's TERM (xterm when unset) when it sets none, as
// container runtimes do for a command with a terminal.
void add_term(std::vector<std::string>& env) {
  for (const auto& e : env)
    if (e.rfind("TERM=", 0) == 0) return;
  const char* term = std::getenv("TERM");
  env.push_back(std::string("TERM=") + (term && *term ? term : "xterm"));
}

}  // namespace

int cmd_exec(const Invocation& inv) {
  if (inv.args.empty())
    return report_error("usage: podctl exec NAME [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS…]", kExitUsage);
  std::vector<std::string> cmd(inv.args.begin() + 1, inv.args.end());
  cmd.insert(cmd.end(), inv.after_dash.begin(), inv.after_dash.end());
  if (cmd.empty()) return report_error("exec needs a command after --", kExitUsage);
  PreparedExec prepared;
  if (int rc = prepare_exec_of_arg(inv, inv.args[0], prepared)) return rc;
  auto& target = prepared.target;
  auto& pidfd = prepared.pidfd;
  bool tty = inv.vm["tty"].as<bool>(), interactive = inv.vm["stdin"].as<bool>();
  ExecStdio stdio;
  stdio.in = interactive && !tty ? 0 : -1;
  UniqueFd ours, theirs;
  if (tty) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
      return report_error(sys_error("socketpair").message);
    ours.reset(pair[0]);
    theirs.reset(pair[1]);
    stdio.terminal_socket = theirs.get();
    add_term(target.env);
  }
  auto child = spawn_in_container(target, pidfd.get(), cmd, stdio);
  if (!child) return report_error(child.error().message);
  theirs.reset();  // the child's copy is the only one left: its exit ends recv_terminal
  if (tty) return run_with_terminal(ours.get(), *child, interactive);
  return wait_for(*child);
}

void exec_options(po::options_description& d) {
  d.add_options()("container,c", po::value<std::string>(), "container name (default: the first)")(
      "stdin,i", po::bool_switch()->default_value(false), "pass stdin to the command")(
      "tty,t", po::bool_switch()->default_value(false), "allocate a terminal");
}

}  // namespace podctl
