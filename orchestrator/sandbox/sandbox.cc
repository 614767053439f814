#include "orchestrator/sandbox/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netsetup/veth.h"
#include "orchestrator/container/sync_channel.h"

namespace podctl {
namespace {

// A tmpfs holding only the pause binary (a read-only bind), itself read-only, becomes the root;
// the old root is detached. Afterwards nothing of the host is reachable through /proc/1/root.
void enter_empty_root_in_child(const SandboxLaunch& launch, SyncChannel& sync) {
  const char* root = launch.root_dir.c_str();
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) sync.fail_in_child("make / private", errno);
  if (::mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,nr_inodes=16,mode=0555") != 0)
    sync.fail_in_child("mount the pause's root", errno);
  if (::chdir(root) != 0) sync.fail_in_child("chdir to the pause's root", errno);
  int fd = ::open("pause", O_WRONLY | O_CREAT | O_CLOEXEC, 0555);
  if (fd < 0) sync.fail_in_child("make the pause's mount point", errno);
  close_fd(fd);
  if (::mount(launch.pause_binary.c_str(), "pause", nullptr, MS_BIND, nullptr) != 0 ||
      ::mount(nullptr, "pause", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
    sync.fail_in_child("bind the pause binary", errno);
  if (::mount(nullptr, ".", nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
    sync.fail_in_child("make the pause's root read-only", errno);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) sync.fail_in_child("pivot_root into the pause's root", errno);
  if (::umount2(".", MNT_DETACH) != 0) sync.fail_in_child("detach the old root", errno);
  if (::chdir("/") != 0) sync.fail_in_child("chdir /", errno);
}

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
  // The supervisor blocks signals for its signalfd; with a valid set this cannot fail.
  (void)sigprocmask(SIG_SETMASK, &none, nullptr);
  // The pause says nothing worth keeping, and with a shared pid namespace it is every container's
  // /proc/1: its stdio must not be the supervisor's log (a host file a container could write).
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(devnull, 1) < 0 || ::dup2(devnull, 2) < 0)
    sync.fail_in_child("set up the pause's stdio", errno);
  enter_empty_root_in_child(launch, sync);
  cloexec_from_in_child(3);
  ::execv("/pause", argv);
  sync.fail_in_child("exec podctl-pause", errno);
}

}  // namespace

Result<ChildProcess> start_sandbox(const SandboxLaunch& launch) {
  SyncChannel sync;
  PODCTL_ASSIGN_OR_RETURN(sync, SyncChannel::create());
  std::string arg0 = "podctl-pause";
  char* argv[] = {arg0.data(), nullptr};
  CloneRequest request;
  request.flags =
      CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | (launch.share_pid_namespace ? CLONE_NEWPID : 0);
  request.cgroup_fd = launch.cgroup_fd;
  ChildProcess child;
  pid_t pid;
  PODCTL_ASSIGN_OR_RETURN(pid, clone3_process(request, child));
  if (pid == 0) run_pause_child(launch, sync, argv);
  sync.close_child_end();
  PODCTL_TRY_CTX(net::create_pod_veth(launch.host_veth, launch.interface.name, child.pid(), launch.bridge),
                 "create the pod network");
  auto undo_veth = [&](Error e) {
    (void)net::delete_host_veth(launch.host_veth);  // the pod's cleanup deletes it again if this fails
    return fail(std::move(e));
  };
  if (auto st = sync.send_go(); !st) return undo_veth(st.error());
  if (auto st = sync.expect_exec(); !st) return undo_veth(st.error().wrap("start the pause process"));
  return child;
}

}  // namespace podctl
