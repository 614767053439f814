#include "orchestrator/container/container_launch.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "orchestrator/container/capabilities.h"
#include "orchestrator/container/seccomp_load.h"
#include "orchestrator/container/sync_channel.h"

namespace podctl {
namespace {

// Everything the child touches, built before clone so the child only reads it.
struct ChildPlan {
  const ContainerLaunch* launch;
  std::string overlay_options;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string path_env;             // the container's PATH for the executable lookup
  std::vector<char> volume_is_dir;  // per launch->volumes entry: make a directory (or a file) to mount on
  std::vector<int> v1_procs;        // `tasks` of each v1 cgroup, opened by the parent
  std::vector<int> volume_trees;    // per volume: a detached copy of its mount, made by the parent
};

const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};
// Paths container runtimes hide from unprivileged containers (runc/containerd defaults).
const char* const kMaskedFiles[] = {"/proc/kcore",       "/proc/keys",          "/proc/timer_list",
                                    "/proc/sched_debug", "/proc/latency_stats", "/proc/timer_stats"};
const char* const kMaskedDirs[] = {"/proc/acpi", "/proc/scsi", "/sys/firmware"};
const char* const kReadOnly[] = {"/proc/asound", "/proc/bus", "/proc/fs",
                                 "/proc/irq",    "/proc/sys", "/proc/sysrq-trigger"};
const char* const kEtcFiles[] = {"/etc/hosts", "/etc/hostname", "/etc/resolv.conf"};

ChildPlan make_plan(const ContainerLaunch& l, std::vector<std::string>& storage) {
  ChildPlan p;
  p.launch = &l;
  std::string lowers;
  for (auto it = l.lower_dirs.rbegin(); it != l.lower_dirs.rend(); ++it) lowers += (lowers.empty() ? "" : ":") + *it;
  p.overlay_options = "lowerdir=" + lowers + ",upperdir=" + l.upper_dir + ",workdir=" + l.work_dir;
  storage = l.process.argv;
  for (auto& a : storage) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  for (const auto& e : l.process.env) {
    p.envp.push_back(const_cast<char*>(e.c_str()));
    if (e.rfind("PATH=", 0) == 0) p.path_env = e.substr(5);
  }
  p.envp.push_back(nullptr);
  for (const auto& v : l.volumes) {
    struct stat st {};
    p.volume_is_dir.push_back(::fstat(v.source.get(), &st) != 0 || S_ISDIR(st.st_mode));
  }
  return p;
}

// --- child side: async-signal-safe or allocation-free code only ---

void must(SyncChannel& sync, bool ok, const char* step) {
  if (!ok) sync.fail_in_child(step, errno);
}

int open_in_root(int root, const char* path, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, root, path, &how, sizeof how));
}

// Every path inside the container's root is resolved in it (RESOLVE_IN_ROOT), each time it is
// used, never as a host path string: a symlink in the image (/etc/resolv.conf -> /etc/nologin,
// /proc -> /) then leads somewhere inside the root, never to a host file. What is missing is
// made, a component at a time, in the fd of its parent; a dangling symlink on the way is followed
// by hand (inside the root too) and its target made, as runc's securejoin does. Returns an
// O_PATH fd of the target.
int target_in_child(SyncChannel& sync, int root, const char* wanted, bool is_dir) {
  char path[4096], prefix[4096], link[4096], next[4096];
  if (std::strlen(wanted) >= sizeof path) sync.fail_in_child("mount path too long", ENAMETOOLONG);
  std::strcpy(path, wanted);
  for (int hops = 0;; ++hops) {
    if (hops > 40) sync.fail_in_child("resolve a mount point", ELOOP);
    bool followed = false;
    size_t len = std::strlen(path);
    for (size_t i = 1; i <= len && !followed; ++i) {
      if (i < len && path[i] != '/') continue;
      std::memcpy(prefix, path, i);
      prefix[i] = '\0';
      int fd = open_in_root(root, prefix, O_PATH);
      if (fd >= 0) {
        close_fd(fd);
        continue;
      }
      if (errno != ENOENT) sync.fail_in_child("open a mount point", errno);
      char* slash = std::strrchr(prefix, '/');
      *slash = '\0';
      const char* name = slash + 1;
      int parent = open_in_root(root, prefix[0] ? prefix : "/", O_PATH | O_DIRECTORY);
      if (parent < 0) sync.fail_in_child("open a mount point's parent", errno);
      ssize_t n = ::readlinkat(parent, name, link, sizeof link - 1);
      if (n > 0) {  // a dangling link: go on from its target
        link[n] = '\0';
        int w = link[0] == '/' ? std::snprintf(next, sizeof next, "%s%s", link, path + i)
                               : std::snprintf(next, sizeof next, "%s/%s%s", prefix, link, path + i);
        if (w < 0 || static_cast<size_t>(w) >= sizeof next) sync.fail_in_child("mount path too long", ENAMETOOLONG);
        std::strcpy(path, next);
        followed = true;
      } else {
        bool last = i == len;
        int made = last && !is_dir ? ::openat(parent, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)
                                   : ::mkdirat(parent, name, 0755);
        if (made < 0 && errno != EEXIST) {
          int err = errno;
          char detail[352];
          std::snprintf(detail, sizeof detail, "make mount point %.100s/%.60s (for %.100s): %s", prefix, name, wanted,
                        std::strerror(err));
          sync.fail_in_child("make a mount point", err, detail);
        }
        if (last && !is_dir && made >= 0) ::close(made);
      }
      close_fd(parent);
    }
    if (!followed) break;
  }
  int target = open_in_root(root, path, O_PATH);
  if (target < 0) sync.fail_in_child("open a mount point", errno);
  return target;
}

// "/proc/self/fd/N": names exactly the file an fd holds, for mount(2).
struct FdPath {
  char text[32];
  explicit FdPath(int fd) { std::snprintf(text, sizeof text, "/proc/self/fd/%d", fd); }
};

// A new file system (proc, sysfs, tmpfs, devpts) on a path resolved in the root.
void mount_fs_at(SyncChannel& sync, int root, const char* path, const char* type, unsigned long flags, const char* data,
                 const char* step) {
  int target = target_in_child(sync, root, path, true);
  must(sync, ::mount(type, FdPath(target).text, type, flags, data) == 0, step);
  close_fd(target);
}

// A bind mount of `source` (a host path of ours, or the fd `source_fd` when `source` is "") onto a
// path resolved in the root: one mount(2) through /proc/self/fd (a detached open_tree clone per
// mount cost a new anonymous mount namespace each, and milliseconds per start). A read-only one
// is remounted through the path resolved again, which now crosses into the new mount.
void bind_at(SyncChannel& sync, int root, int source_fd, const char* source, const char* path, bool is_dir,
             bool read_only, const char* step) {
  int target = target_in_child(sync, root, path, is_dir);
  FdPath from(source_fd);
  must(sync, ::mount(source[0] ? source : from.text, FdPath(target).text, nullptr, MS_BIND | MS_REC, nullptr) == 0,
       step);
  close_fd(target);
  if (!read_only) return;
  int mounted = open_in_root(root, path, O_PATH);
  if (mounted < 0) sync.fail_in_child(step, errno);
  must(sync, ::mount(nullptr, FdPath(mounted).text, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0, step);
  close_fd(mounted);
}

// Each volume arrives as a detached mount tree the parent cloned from the fd it resolved (and
// made read-only before anyone could see it, submounts included): attaching it is all that is
// left, and nothing is resolved by a path string again.
void mount_volumes_in_child(SyncChannel& sync, const ChildPlan& p, int root) {
  const ContainerLaunch& l = *p.launch;
  for (size_t i = 0; i < l.volumes.size(); ++i) {
    int target = target_in_child(sync, root, l.volumes[i].target.c_str(), p.volume_is_dir[i]);
    must(sync, ::move_mount(p.volume_trees[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0,
         "mount a volume");
    close_fd(target);
  }
}

// A detached copy of a volume's mount, cloned from the resolved fd. The clone must happen here,
// in the supervisor's mount namespace, where the fd's mount lives (open_tree refuses a mount of
// another namespace); the child can attach a detached tree into its own.
Result<UniqueFd> clone_volume(const VolumeBind& v) {
  UniqueFd tree(::open_tree(v.source.get(), "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!tree) return fail(sys_error("clone volume " + v.shown + " (open_tree)"));
  if (v.read_only) {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0)
      return fail(sys_error("make volume " + v.shown + " read-only"));
  }
  return tree;
}

void setup_dev_in_child(SyncChannel& sync, const ChildPlan& p, int root) {
  mount_fs_at(sync, root, "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", "mount /dev");
  for (const char* device : kDevices) {
    char host[32] = "/dev/", inside[32] = "/dev/";
    std::strncat(host, device, sizeof host - 6);
    std::strncat(inside, device, sizeof inside - 6);
    bind_at(sync, root, AT_FDCWD, host, inside, false, false, "bind a device into /dev");
  }
  mount_fs_at(sync, root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620",
              "mount /dev/pts");
  bind_at(sync, root, AT_FDCWD, p.launch->shm_dir.c_str(), "/dev/shm", true, false, "bind the pod's /dev/shm");
  // The fresh tmpfs, reached through the root again (it holds nothing an image made).
  int dev = open_in_root(root, "/dev", O_PATH | O_DIRECTORY);
  if (dev < 0) sync.fail_in_child("open /dev", errno);
  must(sync, ::symlinkat("pts/ptmx", dev, "ptmx") == 0, "link /dev/ptmx");
  // Conveniences, as runc makes them; a container works without them.
  (void)::symlinkat("/proc/self/fd", dev, "fd");
  (void)::symlinkat("/proc/self/fd/0", dev, "stdin");
  (void)::symlinkat("/proc/self/fd/1", dev, "stdout");
  (void)::symlinkat("/proc/self/fd/2", dev, "stderr");
  close_fd(dev);
}

bool exists_in_root(int root, const char* path) {
  int fd = open_in_root(root, path, O_PATH);
  if (fd < 0) return false;
  close_fd(fd);
  return true;
}

void mask_proc_in_child(SyncChannel& sync, int root) {
  for (const char* f : kMaskedFiles)
    if (exists_in_root(root, f)) bind_at(sync, root, AT_FDCWD, "/dev/null", f, false, true, "mask a /proc file");
  for (const char* d : kMaskedDirs)
    if (exists_in_root(root, d))
      mount_fs_at(sync, root, d, "tmpfs", MS_RDONLY, "size=0", "mask a /proc or /sys directory");
  for (const char* r : kReadOnly) {
    int source = open_in_root(root, r, O_PATH);
    if (source < 0) continue;
    bind_at(sync, root, source, "", r, true, true, "make a /proc path read-only");
    close_fd(source);
  }
}

void build_root_in_child(SyncChannel& sync, const ChildPlan& p) {
  const ContainerLaunch& l = *p.launch;
  // Nothing we mount may propagate back to the host (or the supervisor).
  must(sync, ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "make / private");
  must(sync, ::mount("overlay", l.rootfs.c_str(), "overlay", 0, p.overlay_options.c_str()) == 0,
       "mount the root filesystem (overlay)");
  // The overlay's root: every path below is resolved from it, inside it.
  int root = ::open(l.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) sync.fail_in_child("open the root filesystem", errno);
  mount_fs_at(sync, root, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, "mount /proc");
  if (l.process.privileged) {
    bind_at(sync, root, AT_FDCWD, "/dev", "/dev", true, false, "bind /dev (privileged)");
    mount_fs_at(sync, root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620",
                "mount /dev/pts");
    bind_at(sync, root, AT_FDCWD, l.shm_dir.c_str(), "/dev/shm", true, false, "bind the pod's /dev/shm");
  } else {
    setup_dev_in_child(sync, p, root);
  }
  unsigned long sys_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (l.process.privileged ? 0 : MS_RDONLY);
  mount_fs_at(sync, root, "/sys", "sysfs", sys_flags, nullptr, "mount /sys");
  if (!l.process.privileged) mask_proc_in_child(sync, root);
  const std::string* etc_sources[] = {&l.hosts_file, &l.hostname_file, &l.resolv_conf};
  for (int i = 0; i < 3; ++i)
    bind_at(sync, root, AT_FDCWD, etc_sources[i]->c_str(), kEtcFiles[i], false, false, "bind a pod file into /etc");
  mount_volumes_in_child(sync, p, root);
  close_fd(root);
  if (l.process.read_only_root)
    must(sync, ::mount(nullptr, l.rootfs.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0,
         "make the root filesystem read-only");
  // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only ours.
  must(sync, ::chdir(l.rootfs.c_str()) == 0, "chdir to the root filesystem");
  must(sync, ::syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root");
  must(sync, ::umount2(".", MNT_DETACH) == 0, "detach the old root");
  must(sync, ::chdir("/") == 0, "chdir /");
}

// With no_new_privs the filter goes on last, right before exec, so that it need not allow the
// credential changes; without it the kernel wants CAP_SYS_ADMIN to load one, so it goes on
// before the capabilities are dropped (runc's order).
void load_seccomp(SyncChannel& sync, const ContainerLaunch& l) {
  const auto& f = l.process.seccomp;
  if (int err = load_seccomp_in_child(f.data(), f.size())) sync.fail_in_child("load the seccomp filter", err);
}

void drop_privileges_in_child(SyncChannel& sync, const ContainerLaunch& l) {
  if (!l.process.no_new_privs) load_seccomp(sync, l);
  if (int err = drop_bounding_capabilities_in_child(l.process.capabilities))
    sync.fail_in_child("drop capabilities", err);
  if (l.process.no_new_privs) must(sync, ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "set no_new_privs");
  must(sync, ::setgroups(l.process.groups.size(), l.process.groups.data()) == 0, "setgroups");
  must(sync, ::setresgid(l.process.gid, l.process.gid, l.process.gid) == 0, "setgid");
  must(sync, ::setresuid(l.process.uid, l.process.uid, l.process.uid) == 0, "setuid");
  // A non-root user keeps no capabilities after setuid (as with containerd); root keeps the set.
  if (l.process.uid == 0)
    if (int err = set_process_capabilities_in_child(l.process.capabilities))
      sync.fail_in_child("set capabilities", err);
  if (l.process.no_new_privs) load_seccomp(sync, l);
}

// execvpe with the container's PATH, reporting like runc: exec: "x": executable file not found in $PATH.
[[noreturn]] void exec_in_child(SyncChannel& sync, const ChildPlan& p) {
  const char* file = p.argv[0];
  char* const* argv = p.argv.data();
  char* const* envp = p.envp.data();
  char detail[352];
  if (std::strchr(file, '/')) {
    ::execve(file, argv, envp);
    int err = errno;
    std::snprintf(detail, sizeof detail, "exec \"%s\": %s", file, std::strerror(err));
    sync.fail_in_child("exec", err, detail);
  }
  const char* search =
      p.path_env.empty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : p.path_env.c_str();
  int saved = ENOENT;
  char candidate[4096];
  for (const char* dir = search; *dir;) {
    const char* end = std::strchr(dir, ':');
    size_t len = end ? static_cast<size_t>(end - dir) : std::strlen(dir);
    if (len + std::strlen(file) + 2 < sizeof candidate) {
      std::memcpy(candidate, dir, len);
      candidate[len] = '/';
      std::strcpy(candidate + len + 1, file);
      ::execve(candidate, argv, envp);
      if (errno == EACCES)
        saved = EACCES;
      else if (errno != ENOENT && errno != ENOTDIR)
        saved = errno;
    }
    dir = end ? end + 1 : dir + len;
  }
  if (saved == ENOENT)
    std::snprintf(detail, sizeof detail, "exec: \"%s\": executable file not found in $PATH", file);
  else
    std::snprintf(detail, sizeof detail, "exec: \"%s\": %s", file, std::strerror(saved));
  sync.fail_in_child("exec", saved, detail);
}

[[noreturn]] void run_container_child(SyncChannel& sync, const ChildPlan& p) {
  const ContainerLaunch& l = *p.launch;
  sync.close_parent_end_in_child();
  // First of all, so that the limits apply to everything the container does. "0" to `tasks` moves
  // this thread, which is the whole process here: a write to cgroup.procs would take the kernel's
  // global cgroup write lock, which waits for an RCU grace period (9-23 ms on a VM) with the
  // cgroup mutex held, stalling every fork and cgroup mkdir on the machine meanwhile.
  for (int fd : p.v1_procs) must(sync, ::write(fd, "0", 1) == 1, "join a cgroup v1 group");
  must(sync, ::setns(l.net_ns_fd, CLONE_NEWNET) == 0, "join the pod's network namespace (setns)");
  must(sync, ::setns(l.ipc_ns_fd, CLONE_NEWIPC) == 0, "join the pod's IPC namespace (setns)");
  must(sync, ::setns(l.uts_ns_fd, CLONE_NEWUTS) == 0, "join the pod's UTS namespace (setns)");
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(l.stdout_fd, 1) < 0 || ::dup2(l.stderr_fd, 2) < 0)
    sync.fail_in_child("set up stdio", errno);
  build_root_in_child(sync, p);
  drop_privileges_in_child(sync, l);
  if (::chdir(l.process.working_dir.c_str()) != 0) {
    char detail[352];
    std::snprintf(detail, sizeof detail, "chdir to working directory \"%s\": %s", l.process.working_dir.c_str(),
                  std::strerror(errno));
    sync.fail_in_child("chdir", errno, detail);
  }
  sigset_t none;
  sigemptyset(&none);
  // Neither can fail with these arguments: a valid set and a valid signal.
  (void)::sigprocmask(SIG_SETMASK, &none, nullptr);
  (void)::signal(SIGPIPE, SIG_DFL);
  cloexec_from_in_child(3);
  exec_in_child(sync, p);
}

}  // namespace

Result<PendingContainer> begin_container_start(const ContainerLaunch& launch) {
  std::vector<std::string> argv_storage;
  if (launch.process.argv.empty()) return fail(make_error("no command specified"));
  ChildPlan plan = make_plan(launch, argv_storage);
  PendingContainer pending;
  for (const auto& dir : launch.v1_cgroups) {
    UniqueFd procs(::open((dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC));
    if (!procs) return fail(sys_error("open " + dir + "/tasks"));
    plan.v1_procs.push_back(procs.get());
    pending.kept.push_back(std::move(procs));
  }
  for (const auto& v : launch.volumes) {
    UniqueFd tree;
    PODCTL_ASSIGN_OR_RETURN(tree, clone_volume(v));
    plan.volume_trees.push_back(tree.get());
    pending.kept.push_back(std::move(tree));
  }
  PODCTL_ASSIGN_OR_RETURN(pending.sync, SyncChannel::create());
  CloneRequest request;
  request.flags = CLONE_NEWNS | (launch.pid_namespace_fd >= 0 ? 0 : CLONE_NEWPID);
  request.cgroup_fd = launch.cgroup_fd;
  // With a shared pid namespace, the next child is born in the pause's namespace: point our
  // pid_ns_for_children at it for this one clone, then back at our own (always allowed).
  UniqueFd own_pid_ns;
  if (launch.pid_namespace_fd >= 0) {
    own_pid_ns.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!own_pid_ns || ::setns(launch.pid_namespace_fd, CLONE_NEWPID) != 0)
      return fail(sys_error("enter the pod's pid namespace"));
  }
  auto pid = clone3_process(request, pending.child);
  if (own_pid_ns && (!pid || *pid != 0) && ::setns(own_pid_ns.get(), CLONE_NEWPID) != 0) {
    // Never seen (returning to one's own namespace is always allowed), but if it happened every
    // later child would be born in the pod's pid namespace: this start fails, loudly.
    Error e = sys_error("return to the supervisor's own pid namespace");
    if (pid) pending.child.kill_and_reap();
    return fail(e);
  }
  if (!pid) return fail(pid.error());
  // The plan's pointers (argv, fds) stay valid in the child: its copy of this frame never returns.
  if (*pid == 0) run_container_child(pending.sync, plan);
  pending.sync.close_child_end();
  return pending;
}

Result<ChildProcess> finish_container_start(PendingContainer& pending) {
  auto exec = pending.sync.expect_exec();
  pending.kept.clear();
  if (!exec) {
    pending.child.kill_and_reap();
    return fail(exec.error());
  }
  return std::move(pending.child);
}

}  // namespace podctl
