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
#include "orchestrator/cli/exec_terminal.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_exec.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/store/network_config.h"

namespace podctl {
namespace {

// The seccomp filter the container runs under, which the command must run under too: the one its
// supervisor compiled and kept beside it, else (a pod started by an older podctl) compiled again
// from the stored spec and the root's default.
Result<SeccompProgram> container_filter(const Invocation& inv, const PodRecord& record, const std::string& name,
                                        uint64_t capabilities) {
  if (auto kept = read_file(record.paths.container_dir(name) + "/seccomp.bpf")) {
    if (kept->size() % sizeof(sock_filter) != 0) return fail(make_error("the container's seccomp filter is damaged"));
    SeccompProgram program(kept->size() / sizeof(sock_filter));
    std::memcpy(program.data(), kept->data(), kept->size());
    return program;
  }
  RootPaths root{inv.global.root};
  manifest::Pod pod;
  PODCTL_ASSIGN_OR_RETURN(pod, read_stored_spec(record.paths, record.ns));
  NetworkConfig net;
  PODCTL_ASSIGN_OR_RETURN(net, load_network_config(root, {}, false));
  for (const auto* list : {&pod.spec.containers, &pod.spec.init_containers})
    for (const auto& c : *list)
      if (c.name == name) {
        bool privileged = c.security_context && c.security_context->privileged.value_or(false);
        return container_seccomp(pod, c, privileged, capabilities, net.seccomp_default,
                                 {root.seccomp_dir(), root.seccomp_cache_dir()});
      }
  return fail(make_error("container \"" + name + "\" is not in the pod's spec"));
}

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
  auto pod_name = pod_of(inv, inv.args[0]);
  if (!pod_name) return report_error(pod_name.error().message, kExitUsage);
  const std::string& pod = *pod_name;
  if (int bad = refuse_invalid_names("pod", {pod})) return bad;
  if (inv.has("container"))
    if (int bad = refuse_invalid_names("container", {inv.get<std::string>("container")})) return bad;
  auto record = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, pod);
  if (!record) return report_error("pods \"" + pod + "\" not found");
  if (!record->supervisor_alive) return report_error("pod " + pod + " is not running (its supervisor is gone)");
  std::string container = inv.has("container") ? inv.get<std::string>("container")
                                               : record->spec["spec"]["containers"][0]["name"].get<std::string>();
  bool known = false;
  for (const char* list : {"initContainers", "containers"})
    for (const auto& c : record->spec["spec"].value(list, nlohmann::json::array()))
      known |= c.value("name", "") == container;
  // kubectl's words for a name the pod does not have; "not running" is for one it has.
  if (!known) return report_error("container " + container + " is not valid for pod " + pod);
  const auto& procs =
      record->status.value("runtime", nlohmann::json::object()).value("containers", nlohmann::json::object());
  if (!procs.contains(container))
    return report_error("container \"" + container + "\" in pod \"" + pod + "\" is not running");
  pid_t pid = procs[container]["pid"].get<pid_t>();
  ProcessIdentity id{pid, procs[container]["startTime"].get<uint64_t>()};
  auto target = describe_container_process(pid);
  if (!target || !process_alive(id)) return report_error("container \"" + container + "\" is not running");
  target->cgroup = procs[container].value("cgroup", "");
  for (const auto& c : record->spec["spec"]["containers"])
    if (c["name"] == container && c.contains("workingDir")) target->working_dir = c["workingDir"];
  if (auto filter = container_filter(inv, *record, container, target->bounding); !filter)
    return report_error(filter.error().message);
  else
    target->seccomp = std::move(*filter);
  auto pidfd = pidfd_open_pid(pid);
  if (!pidfd) return report_error(pidfd.error().message);
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
    add_term(target->env);
  }
  auto child = spawn_in_container(*target, pidfd->get(), cmd, stdio);
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
