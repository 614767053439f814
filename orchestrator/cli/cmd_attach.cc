// podctl attach NAME|TYPE/NAME [-c C]: kubectl attach without stdin, as docker compose attach is
// used: the output of a container's running process from now on, until that process ends (exit 0)
// or the user interrupts. It reads the container's CRI log, which the supervisor writes as the
// process writes, so attaching never takes the output away from `logs`.
#include <poll.h>
#include <sys/inotify.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "base/files.h"
#include "base/process_identity.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/log_follower.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {
namespace {

using json = nlohmann::json;

// The running process of `container`, as its supervisor recorded it; nullopt when it runs no more.
std::optional<ProcessIdentity> running_process(const RootPaths& root, const std::string& ns, const std::string& pod,
                                               const std::string& container) {
  auto r = read_pod_record(root, ns, pod);
  if (!r || !r->supervisor_alive) return std::nullopt;
  const json procs = r->status.value("runtime", json::object()).value("containers", json::object());
  if (!procs.contains(container)) return std::nullopt;
  ProcessIdentity id{procs[container].value("pid", 0), procs[container].value("startTime", uint64_t{0})};
  if (id.pid <= 0 || !process_alive(id)) return std::nullopt;
  return id;
}

// Prints what the process writes until it ends. Its last lines reach the log after its exit (the
// supervisor drains the pipes), so after the pidfd says it ended the log is read once more, when
// the supervisor has taken note of the exit or at the latest after two seconds.
void follow_until_exit(Follower& f, int pidfd, const RootPaths& root, const std::string& ns, const std::string& pod,
                       const std::string& container) {
  int in = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  ::inotify_add_watch(in, f.dir.c_str(), IN_MODIFY | IN_CREATE);
  std::vector<LogOptions> streams{f.options};
  for (bool ended = false; !ended;) {
    pollfd p[2] = {{in, POLLIN, 0}, {pidfd, POLLIN, 0}};
    (void)::poll(p, 2, 1000);
    char buf[4096];
    while (::read(in, buf, sizeof buf) > 0) {
    }
    if (p[1].revents & POLLIN) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (running_process(root, ns, pod, container) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ended = true;
    }
    std::vector<TaggedLine> lines;
    f.pump(lines, 0, true);  // a restart is a new process, which kubectl attach does not follow
    emit_in_time_order(lines, streams);
  }
  close_fd(in);
}

}  // namespace

int cmd_attach(const Invocation& inv) {
  if (inv.args.size() != 1) return report_error("usage: podctl attach NAME|TYPE/NAME [-c CONTAINER]", kExitUsage);
  if (inv.vm["stdin"].as<bool>() || inv.vm["tty"].as<bool>())
    return report_error(
        "attach -i/-t: podctl runs no container with stdin or tty (the manifest fields are refused), so there is "
        "no input to attach to; for a shell in the container use: podctl exec -it " +
            inv.args[0] + " -- sh",
        kExitUsage);
  auto pod = pod_of(inv, inv.args[0]);
  if (!pod) return report_error(pod.error().message, kExitUsage);
  if (int bad = refuse_invalid_names("pod", {*pod})) return bad;
  if (inv.has("container"))
    if (int bad = refuse_invalid_names("container", {inv.get<std::string>("container")})) return bad;
  RootPaths root{inv.global.root};
  auto record = read_pod_record(root, inv.global.ns, *pod);
  if (!record) return report_error("pods \"" + *pod + "\" not found");
  auto container = pick_container(*record, inv.has("container") ? inv.get<std::string>("container") : "");
  if (!container) return report_error(container.error().message);
  auto process = running_process(root, inv.global.ns, *pod, *container);
  std::optional<UniqueFd> pidfd;
  if (process)
    if (auto opened = pidfd_open_pid(process->pid)) pidfd = std::move(*opened);
  // Checked after the open: the pidfd holds the process the identity names, or it is gone.
  if (!pidfd || !process_alive(*process))
    return report_error("container \"" + *container + "\" in pod \"" + *pod + "\" is not running");
  Follower f;
  f.dir = record->paths.log_dir(*container);
  if (auto runs = f.runs(); !runs.empty()) f.run = runs.back();
  f.open_live();
  std::vector<LogLine> before;
  f.drain(before);  // what was written before the attach is `logs`' to show
  follow_until_exit(f, pidfd->get(), root, inv.global.ns, *pod, *container);
  return kExitOk;
}

void attach_options(po::options_description& d) {
  d.add_options()("container,c", po::value<std::string>(), "container name (default: the pod's first)")(
      "stdin,i", po::bool_switch()->default_value(false), "pass stdin to the container (refused: no container has one)")(
      "tty,t", po::bool_switch()->default_value(false), "stdin is a TTY (refused: no container has one)");
}

}  // namespace podctl
