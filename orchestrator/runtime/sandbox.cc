#include "orchestrator/runtime/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netsetup/veth.h"
#include "orchestrator/runtime/sync_channel.h"

namespace podctl {
namespace {

[[noreturn]] void run_pause_child(const SandboxLaunch& launch, SyncChannel& sync, char* const argv[]) {
  sync.close_parent_end_in_child();
  if (!sync.wait_go_in_child()) ::_exit(127);  // the parent gave up: leave quietly
  if (::sethostname(launch.hostname.data(), launch.hostname.size()) != 0) sync.fail_in_child("sethostname", errno);
  // Safe to use libnl (it allocates) here: the supervisor that cloned us is single-threaded.
  if (auto st = net::configure_pod_interface_in_child(launch.interface); !st) {
    std::string message = "configure the pod network: " + st.error().message;
    sync.fail_in_child("configure the pod network", st.error().code, message.c_str());
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // the supervisor blocks signals for its signalfd
  // The pause says nothing worth keeping, and with a shared pid namespace it is every container's
  // /proc/1: its stdio must not be the supervisor's log (a host file a container could write).
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(devnull, 1) < 0 || ::dup2(devnull, 2) < 0)
    sync.fail_in_child("set up the pause's stdio", errno);
  cloexec_from_in_child(3);
  ::execv(launch.pause_binary.c_str(), argv);
  sync.fail_in_child("exec podctl-pause", errno);
}

}  // namespace

Result<ChildProcess> start_sandbox(const SandboxLaunch& launch) {
  SyncChannel sync;
  PODCTL_ASSIGN_OR_RETURN(sync, SyncChannel::create());
  std::string arg0 = "podctl-pause";
  char* argv[] = {arg0.data(), nullptr};
  CloneRequest request;
  request.flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | (launch.share_pid_namespace ? CLONE_NEWPID : 0);
  request.cgroup_fd = launch.cgroup_fd;
  ChildProcess child;
  pid_t pid;
  PODCTL_ASSIGN_OR_RETURN(pid, clone3_process(request, child));
  if (pid == 0) run_pause_child(launch, sync, argv);
  sync.close_child_end();
  PODCTL_TRY_CTX(net::create_pod_veth(launch.host_veth, launch.interface.name, child.pid(), launch.bridge),
                 "create the pod network");
  auto undo_veth = [&](Error e) {
    (void)net::delete_host_veth(launch.host_veth);
    return fail(std::move(e));
  };
  if (auto st = sync.send_go(); !st) return undo_veth(st.error());
  if (auto st = sync.expect_exec(); !st) return undo_veth(st.error().wrap("start the pause process"));
  return child;
}

}  // namespace podctl
