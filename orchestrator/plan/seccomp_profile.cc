#include "orchestrator/plan/seccomp_profile.h"

#include <set>

namespace podctl::plan {
namespace {

// containerd's allow-list, in its order (it also lists syscalls of other ABIs: libseccomp
// resolves each name for every architecture of the filter and skips the ones an ABI lacks).
// A table, kept dense.
// clang-format off
const char* const kAllowed[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset",
    "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
    "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64",
    "close", "close_range", "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
    "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait",
    "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat",
    "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat",
    "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr",
    "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs",
    "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait",
    "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
    "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer",
    "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
    "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid",
    "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32",
    "getxattr", "getxattrat", "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch",
    "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
    "ioprio_get", "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
    "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat",
    "listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek", "lremovexattr", "lseek",
    "lsetxattr", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "lstat", "lstat64", "madvise",
    "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
    "mlock2", "mlockall", "map_shadow_stack", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify",
    "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
    "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
    "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2",
    "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect",
    "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
    "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read",
    "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64",
    "recvmsg", "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat", "renameat2",
    "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
    "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
    "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
    "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
    "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
    "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
    "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
    "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
    "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
    "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat",
    "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
    "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
    "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill",
    "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime",
    "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
    "writev"
};
// clang-format on

// Capability bit numbers (linux/capability.h), for the rules that depend on them.
constexpr int kDacReadSearch = 2, kSysModule = 16, kSysRawio = 17, kSysChroot = 18, kSysPtrace = 19, kSysPacct = 20,
              kSysAdmin = 21, kSysBoot = 22, kSysNice = 23, kSysTime = 25, kSysTtyConfig = 26, kSyslog = 34,
              kPerfmon = 38, kBpf = 39;

// CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP
constexpr uint64_t kNamespaceFlags =
    0x00020000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x02000000;
constexpr uint64_t kAfAlg = 38, kAfVsock = 40;
constexpr unsigned kEnosys = 38, kEperm = 1;

SeccompRule allow(std::vector<std::string> names, std::vector<SeccompArg> args = {}) {
  return SeccompRule{std::move(names), "SCMP_ACT_ALLOW", std::nullopt, std::move(args)};
}

}  // namespace

SeccompProfile runtime_default_profile(const std::string& machine, uint64_t caps) {
  auto has = [&](int cap) { return (caps >> cap) & 1; };
  SeccompProfile p;
  p.default_action = "SCMP_ACT_ERRNO";
  p.default_errno = kEperm;
  p.syscalls.push_back(allow(std::vector<std::string>(std::begin(kAllowed), std::end(kAllowed))));
  // socket(2) for every address family but AF_ALG and AF_VSOCK: three ranges, each its own rule.
  p.syscalls.push_back(allow({"socket"}, {{0, kAfAlg, 0, "SCMP_CMP_LT"}}));
  p.syscalls.push_back(allow({"socket"}, {{0, kAfAlg + 1, 0, "SCMP_CMP_EQ"}}));
  p.syscalls.push_back(allow({"socket"}, {{0, kAfVsock, 0, "SCMP_CMP_GT"}}));
  for (uint64_t persona : {0x0ull, 0x0008ull, 0x20000ull, 0x20008ull, 0xffffffffull})
    p.syscalls.push_back(allow({"personality"}, {{0, persona, 0, "SCMP_CMP_EQ"}}));
  // Kernels from 4.8 on check ptrace against seccomp properly.
  p.syscalls.push_back(allow({"process_vm_readv", "process_vm_writev", "ptrace"}));
  if (machine == "x86_64") {
    p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    p.syscalls.push_back(allow({"arch_prctl", "modify_ldt"}));
  } else if (machine == "aarch64") {
    p.architectures = {"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64"};
    p.syscalls.push_back(
        allow({"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"}));
  }
  if (has(kDacReadSearch)) p.syscalls.push_back(allow({"open_by_handle_at"}));
  if (has(kSysAdmin))
    p.syscalls.push_back(
        allow({"bpf",       "clone",           "clone3",         "fanotify_init", "fsconfig",      "fsmount",
               "fsopen",    "fspick",          "lookup_dcookie", "mount",         "mount_setattr", "move_mount",
               "open_tree", "perf_event_open", "quotactl",       "quotactl_fd",   "setdomainname", "sethostname",
               "setns",     "syslog",          "umount",         "umount2",       "unshare"}));
  if (has(kSysBoot)) p.syscalls.push_back(allow({"reboot"}));
  if (has(kSysChroot)) p.syscalls.push_back(allow({"chroot"}));
  if (has(kSysModule)) p.syscalls.push_back(allow({"delete_module", "init_module", "finit_module"}));
  if (has(kSysPacct)) p.syscalls.push_back(allow({"acct"}));
  if (has(kSysPtrace))
    p.syscalls.push_back(
        allow({"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"}));
  if (has(kSysRawio)) p.syscalls.push_back(allow({"iopl", "ioperm"}));
  if (has(kSysTime)) p.syscalls.push_back(allow({"settimeofday", "stime", "clock_settime", "clock_settime64"}));
  if (has(kSysTtyConfig)) p.syscalls.push_back(allow({"vhangup"}));
  if (has(kSysNice))
    p.syscalls.push_back(allow({"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}));
  if (has(kSyslog)) p.syscalls.push_back(allow({"syslog"}));
  if (has(kBpf)) p.syscalls.push_back(allow({"bpf"}));
  if (has(kPerfmon)) p.syscalls.push_back(allow({"perf_event_open"}));
  if (!has(kSysAdmin)) {
    // Threads and processes, but no new namespaces; clone3 (whose flags seccomp cannot read)
    // answers ENOSYS so that libcs fall back to clone.
    p.syscalls.push_back(allow({"clone"}, {{0, kNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ"}}));
    p.syscalls.push_back(SeccompRule{{"clone3"}, "SCMP_ACT_ERRNO", kEnosys, {}});
  }
  return p;
}

Result<SeccompProfile> parse_oci_seccomp(const nlohmann::json& doc, const std::string& where) {
  using nlohmann::json;
  auto bad = [&](const std::string& what) { return fail(Error{EINVAL, where + ": " + what}); };
  static const std::set<std::string> kActions = {"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                                                 "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
                                                 "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"};
  static const std::set<std::string> kOps = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                             "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
  if (!doc.is_object()) return bad("not a JSON object");
  SeccompProfile p;
  const json def = doc.value("defaultAction", json());
  if (!def.is_string() || !kActions.count(def.get<std::string>()))
    return bad("defaultAction must be one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL…");
  p.default_action = def.get<std::string>();
  if (doc.contains("defaultErrnoRet")) {
    if (!doc["defaultErrnoRet"].is_number_unsigned()) return bad("defaultErrnoRet must be a number");
    p.default_errno = doc["defaultErrnoRet"].get<unsigned>();
  }
  for (const auto& a : doc.value("architectures", json::array())) {
    if (!a.is_string()) return bad("architectures must be names such as SCMP_ARCH_X86_64");
    p.architectures.push_back(a.get<std::string>());
  }
  const json rules = doc.value("syscalls", json::array());
  if (!rules.is_array()) return bad("syscalls must be a list");
  for (size_t i = 0; i < rules.size(); ++i) {
    const json& r = rules[i];
    std::string at = "syscalls[" + std::to_string(i) + "]";
    if (!r.is_object()) return bad(at + " is not an object");
    SeccompRule rule;
    const json names = r.value("names", json::array());
    if (!names.is_array() || names.empty()) return bad(at + ".names must be a non-empty list");
    for (const auto& n : names) {
      if (!n.is_string()) return bad(at + ".names must hold syscall names");
      rule.names.push_back(n.get<std::string>());
    }
    const json action = r.value("action", json());
    if (!action.is_string() || !kActions.count(action.get<std::string>()))
      return bad(at + ".action is not a seccomp action");
    rule.action = action.get<std::string>();
    if (r.contains("errnoRet")) {
      if (!r["errnoRet"].is_number_unsigned()) return bad(at + ".errnoRet must be a number");
      rule.errno_ret = r["errnoRet"].get<unsigned>();
    }
    const json args = r.value("args", json::array());
    for (size_t k = 0; args.is_array() && k < args.size(); ++k) {
      const json& a = args[k];
      std::string aat = at + ".args[" + std::to_string(k) + "]";
      if (!a.is_object() || !a.value("index", json()).is_number_unsigned() || a["index"].get<unsigned>() > 5)
        return bad(aat + ".index must be 0 to 5");
      const json op = a.value("op", json());
      if (!op.is_string() || !kOps.count(op.get<std::string>())) return bad(aat + ".op is not a comparison");
      auto number = [&](const char* key) {
        return a.value(key, json(0)).is_number_unsigned() ? a[key].get<uint64_t>() : 0;
      };
      rule.args.push_back({a["index"].get<unsigned>(), number("value"), number("valueTwo"), op.get<std::string>()});
    }
    p.syscalls.push_back(std::move(rule));
  }
  return p;
}

SeccompChoice choose_seccomp(const std::optional<SeccompChoice>& container, const std::optional<SeccompChoice>& pod,
                             bool privileged, const std::string& root_default) {
  if (container) return *container;
  if (privileged) return {"Unconfined", ""};
  if (pod) return *pod;
  return {root_default.empty() ? "RuntimeDefault" : root_default, ""};
}

}  // namespace podctl::plan
