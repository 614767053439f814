#include "orchestrator/runtime/container_launch.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "orchestrator/runtime/capabilities.h"
#include "orchestrator/runtime/sync_channel.h"

namespace podctl {
namespace {

// Everything the child touches, built before clone so the child only reads it.
struct ChildPlan {
  const ContainerLaunch* launch;
  std::string overlay_options;
  std::vector<std::string> paths;       // absolute paths inside the new root, see Path below
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string path_env;                 // the container's PATH for the executable lookup
  std::vector<char> volume_is_dir;      // per launch->volumes entry: make a directory (or a file) to mount on
  std::vector<int> v1_procs;            // cgroup.procs of each v1 cgroup, opened by the parent
  std::vector<int> volume_trees;        // per volume: a detached copy of its mount, made by the parent
};

enum Path {
  kProc, kDev, kDevPts, kDevShm, kDevPtmx, kSys, kEtc, kEtcHosts, kEtcHostname, kEtcResolv,
  kDevNull, kDevZero, kDevFull, kDevRandom, kDevUrandom, kDevTty,
  kDevFd, kDevStdin, kDevStdout, kDevStderr, kPathCount
};

const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};
// Paths container runtimes hide from unprivileged containers (runc/containerd defaults).
const char* const kMaskedFiles[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
                                     "/proc/latency_stats", "/proc/timer_stats"};
const char* const kMaskedDirs[] = {"/proc/acpi", "/proc/scsi", "/sys/firmware"};
const char* const kReadOnly[] = {"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                  "/proc/sysrq-trigger"};

ChildPlan make_plan(const ContainerLaunch& l, std::vector<std::string>& storage) {
  ChildPlan p;
  p.launch = &l;
  std::string lowers;
  for (auto it = l.lower_dirs.rbegin(); it != l.lower_dirs.rend(); ++it) lowers += (lowers.empty() ? "" : ":") + *it;
  p.overlay_options = "lowerdir=" + lowers + ",upperdir=" + l.upper_dir + ",workdir=" + l.work_dir;
  const char* rel[kPathCount] = {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/ptmx", "/sys", "/etc",
                                 "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/dev/null", "/dev/zero",
                                 "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/fd",
                                 "/dev/stdin", "/dev/stdout", "/dev/stderr"};
  for (const char* r : rel) p.paths.push_back(l.rootfs + r);
  storage = l.process.argv;
  for (auto& a : storage) p.argv.push_back(a.data());
  p.argv.push_back(nullptr);
  for (const auto& e : l.process.env) {
    p.envp.push_back(const_cast<char*>(e.c_str()));
    if (e.rfind("PATH=", 0) == 0) p.path_env = e.substr(5);
  }
  p.envp.push_back(nullptr);
  for (const auto& v : l.volumes) {
    struct stat st{};
    p.volume_is_dir.push_back(::fstat(v.source.get(), &st) != 0 || S_ISDIR(st.st_mode));
  }
  return p;
}

// --- child side: async-signal-safe or allocation-free code only ---

void must(SyncChannel& sync, bool ok, const char* step) {
  if (!ok) sync.fail_in_child(step, errno);
}

void mkdir_in_child(const char* path) { ::mkdir(path, 0755); }

void touch_in_child(const char* path) {
  int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) ::close(fd);
}

void bind_in_child(SyncChannel& sync, const char* source, const char* target, bool read_only, const char* step) {
  must(sync, ::mount(source, target, nullptr, MS_BIND | MS_REC, nullptr) == 0, step);
  if (read_only)
    must(sync, ::mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC, nullptr) == 0, step);
}

int open_in_root(int root, const char* path, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT;
  return static_cast<int>(::syscall(SYS_openat2, root, path, &how, sizeof how));
}

// The mount point of a volume inside the container's root, made if missing. Every step resolves
// inside the root (RESOLVE_IN_ROOT), so a symlink in the image cannot lead a mount out of it.
int volume_target_in_child(SyncChannel& sync, int root, const char* mount_path, bool is_dir) {
  char prefix[4096];
  size_t len = std::strlen(mount_path);
  if (len >= sizeof prefix) sync.fail_in_child("volume mount path too long", ENAMETOOLONG);
  for (size_t i = 1; i <= len; ++i) {
    if (i < len && mount_path[i] != '/') continue;
    std::memcpy(prefix, mount_path, i);
    prefix[i] = '\0';
    int fd = open_in_root(root, prefix, O_PATH);
    if (fd >= 0) {
      ::close(fd);
      continue;
    }
    if (errno != ENOENT) sync.fail_in_child("open a volume mount point", errno);
    // Make the missing component in its parent, resolved inside the root as well.
    char* slash = std::strrchr(prefix, '/');
    *slash = '\0';
    int parent = open_in_root(root, prefix[0] ? prefix : "/", O_PATH | O_DIRECTORY);
    if (parent < 0) sync.fail_in_child("open a volume mount point's parent", errno);
    bool last = i == len;
    int made = last && !is_dir ? ::openat(parent, slash + 1, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)
                               : ::mkdirat(parent, slash + 1, 0755);
    if (made < 0 && errno != EEXIST) sync.fail_in_child("make a volume mount point", errno);
    if (last && !is_dir && made >= 0) ::close(made);
    ::close(parent);
  }
  int target = open_in_root(root, mount_path, O_PATH);
  if (target < 0) sync.fail_in_child("open a volume mount point", errno);
  return target;
}

// Each volume arrives as a detached mount tree the parent cloned from the fd it resolved (and
// made read-only before anyone could see it, submounts included): attaching it is all that is
// left, and nothing is resolved by a path string again.
void mount_volumes_in_child(SyncChannel& sync, const ChildPlan& p) {
  const ContainerLaunch& l = *p.launch;
  if (l.volumes.empty()) return;
  int root = ::open(l.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) sync.fail_in_child("open the root filesystem", errno);
  for (size_t i = 0; i < l.volumes.size(); ++i) {
    int target = volume_target_in_child(sync, root, l.volumes[i].target.c_str(), p.volume_is_dir[i]);
    must(sync, ::move_mount(p.volume_trees[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0,
         "mount a volume");
    ::close(target);
  }
  ::close(root);
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

void setup_dev_in_child(SyncChannel& sync, const ChildPlan& p) {
  const auto& P = p.paths;
  mkdir_in_child(P[kDev].c_str());
  must(sync, ::mount("tmpfs", P[kDev].c_str(), "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") == 0,
       "mount /dev");
  for (int i = 0; i < 6; ++i) {
    char host[32] = "/dev/";
    std::strncat(host, kDevices[i], sizeof host - 6);
    touch_in_child(P[kDevNull + i].c_str());
    bind_in_child(sync, host, P[kDevNull + i].c_str(), false, "bind a device into /dev");
  }
  mkdir_in_child(P[kDevPts].c_str());
  must(sync, ::mount("devpts", P[kDevPts].c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
                     "newinstance,ptmxmode=0666,mode=0620") == 0, "mount /dev/pts");
  must(sync, ::symlink("pts/ptmx", P[kDevPtmx].c_str()) == 0, "link /dev/ptmx");
  mkdir_in_child(P[kDevShm].c_str());
  bind_in_child(sync, p.launch->shm_dir.c_str(), P[kDevShm].c_str(), false, "bind the pod's /dev/shm");
  (void)::symlink("/proc/self/fd", P[kDevFd].c_str());
  (void)::symlink("/proc/self/fd/0", P[kDevStdin].c_str());
  (void)::symlink("/proc/self/fd/1", P[kDevStdout].c_str());
  (void)::symlink("/proc/self/fd/2", P[kDevStderr].c_str());
}

void mask_proc_in_child(SyncChannel& sync, const std::string& rootfs) {
  char path[4096];
  auto full = [&](const char* rel) {
    std::strncpy(path, rootfs.c_str(), sizeof path - 1);
    path[sizeof path - 1] = '\0';
    std::strncat(path, rel, sizeof path - std::strlen(path) - 1);
    return path;
  };
  for (const char* f : kMaskedFiles)
    if (::access(full(f), F_OK) == 0) bind_in_child(sync, "/dev/null", path, true, "mask a /proc file");
  for (const char* d : kMaskedDirs)
    if (::access(full(d), F_OK) == 0)
      must(sync, ::mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") == 0, "mask a /proc or /sys directory");
  for (const char* r : kReadOnly)
    if (::access(full(r), F_OK) == 0) bind_in_child(sync, path, path, true, "make a /proc path read-only");
}

void build_root_in_child(SyncChannel& sync, const ChildPlan& p) {
  const ContainerLaunch& l = *p.launch;
  const auto& P = p.paths;
  // Nothing we mount may propagate back to the host (or the supervisor).
  must(sync, ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "make / private");
  must(sync, ::mount("overlay", l.rootfs.c_str(), "overlay", 0, p.overlay_options.c_str()) == 0,
       "mount the root filesystem (overlay)");
  mkdir_in_child(P[kProc].c_str());
  must(sync, ::mount("proc", P[kProc].c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0, "mount /proc");
  if (l.process.privileged) {
    mkdir_in_child(P[kDev].c_str());
    bind_in_child(sync, "/dev", P[kDev].c_str(), false, "bind /dev (privileged)");
    must(sync, ::mount("devpts", P[kDevPts].c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
                       "newinstance,ptmxmode=0666,mode=0620") == 0, "mount /dev/pts");
    bind_in_child(sync, l.shm_dir.c_str(), P[kDevShm].c_str(), false, "bind the pod's /dev/shm");
  } else {
    setup_dev_in_child(sync, p);
  }
  mkdir_in_child(P[kSys].c_str());
  unsigned long sys_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (l.process.privileged ? 0 : MS_RDONLY);
  must(sync, ::mount("sysfs", P[kSys].c_str(), "sysfs", sys_flags, nullptr) == 0, "mount /sys");
  if (!l.process.privileged) mask_proc_in_child(sync, l.rootfs);
  mkdir_in_child(P[kEtc].c_str());
  const std::string* etc_sources[] = {&l.hosts_file, &l.hostname_file, &l.resolv_conf};
  for (int i = 0; i < 3; ++i) {
    touch_in_child(P[kEtcHosts + i].c_str());
    bind_in_child(sync, etc_sources[i]->c_str(), P[kEtcHosts + i].c_str(), false, "bind a pod file into /etc");
  }
  mount_volumes_in_child(sync, p);
  if (l.process.read_only_root)
    must(sync, ::mount(nullptr, l.rootfs.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0,
         "make the root filesystem read-only");
  // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only ours.
  must(sync, ::chdir(l.rootfs.c_str()) == 0, "chdir to the root filesystem");
  must(sync, ::syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root");
  must(sync, ::umount2(".", MNT_DETACH) == 0, "detach the old root");
  must(sync, ::chdir("/") == 0, "chdir /");
}

void drop_privileges_in_child(SyncChannel& sync, const ContainerLaunch& l) {
  if (int err = drop_bounding_capabilities_in_child(l.process.capabilities)) sync.fail_in_child("drop capabilities", err);
  if (l.process.no_new_privs) must(sync, ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "set no_new_privs");
  must(sync, ::setgroups(l.process.groups.size(), l.process.groups.data()) == 0, "setgroups");
  must(sync, ::setresgid(l.process.gid, l.process.gid, l.process.gid) == 0, "setgid");
  must(sync, ::setresuid(l.process.uid, l.process.uid, l.process.uid) == 0, "setuid");
  // A non-root user keeps no capabilities after setuid (as with containerd); root keeps the set.
  if (l.process.uid == 0)
    if (int err = set_process_capabilities_in_child(l.process.capabilities)) sync.fail_in_child("set capabilities", err);
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
  const char* search = p.path_env.empty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                                          : p.path_env.c_str();
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
      if (errno == EACCES) saved = EACCES;
      else if (errno != ENOENT && errno != ENOTDIR) saved = errno;
    }
    dir = end ? end + 1 : dir + len;
  }
  if (saved == ENOENT) std::snprintf(detail, sizeof detail, "exec: \"%s\": executable file not found in $PATH", file);
  else std::snprintf(detail, sizeof detail, "exec: \"%s\": %s", file, std::strerror(saved));
  sync.fail_in_child("exec", saved, detail);
}

[[noreturn]] void run_container_child(SyncChannel& sync, const ChildPlan& p) {
  const ContainerLaunch& l = *p.launch;
  sync.close_parent_end_in_child();
  // First of all, so that the limits apply to everything the container does ("0" is the writer).
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
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  cloexec_from_in_child(3);
  exec_in_child(sync, p);
}

}  // namespace

Result<ChildProcess> start_container(const ContainerLaunch& launch) {
  std::vector<std::string> argv_storage;
  if (launch.process.argv.empty()) return fail(make_error("no command specified"));
  ChildPlan plan = make_plan(launch, argv_storage);
  std::vector<UniqueFd> v1_procs;
  for (const auto& dir : launch.v1_cgroups) {
    v1_procs.emplace_back(::open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!v1_procs.back()) return fail(sys_error("open " + dir + "/cgroup.procs"));
    plan.v1_procs.push_back(v1_procs.back().get());
  }
  std::vector<UniqueFd> volume_trees;
  for (const auto& v : launch.volumes) {
    UniqueFd tree;
    PODCTL_ASSIGN_OR_RETURN(tree, clone_volume(v));
    plan.volume_trees.push_back(tree.get());
    volume_trees.push_back(std::move(tree));
  }
  SyncChannel sync;
  PODCTL_ASSIGN_OR_RETURN(sync, SyncChannel::create());
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
  ChildProcess child;
  auto pid = clone3_process(request, child);
  if (own_pid_ns && (!pid || *pid != 0)) ::setns(own_pid_ns.get(), CLONE_NEWPID);
  if (!pid) return fail(pid.error());
  if (*pid == 0) run_container_child(sync, plan);
  sync.close_child_end();
  PODCTL_TRY(sync.expect_exec());
  return child;
}

}  // namespace podctl
