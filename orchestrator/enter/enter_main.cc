// podctl-enter - how `podctl exec`, exec probes and exec lifecycle hooks get into a container.
// Started in the container's cgroup, it joins the container's namespaces through its pidfd, forks
// into its pid namespace, takes the container's user, groups and capabilities, and execs the
// command with the container's PATH; the first process waits and exits with the command's status.
//   podctl-enter PIDFD UID GID GROUPS CAPS FLAGS WORKDIR COMMAND [ARGS...]
//     PIDFD: an inherited pidfd of the container's process; GROUPS: comma-separated gids ("" for
//     none); CAPS: the bounding set in hex; FLAGS: "n" no_new_privs, "d" die with the parent,
//     "s" fd 4 holds the container's seccomp filter (compiled BPF), which the command runs under.
// It is never run from a file: podctl execs a sealed memfd copy of it before anything joins the
// container, so that a process the container can see (even with CAP_SYS_PTRACE, and with its
// uid once the user changed) has /proc/PID/exe pointing at that memfd, which nobody can write
// (CVE-2019-5736: a container that opened /proc/PID/exe of a runtime's binary and wrote to it).
// Static and allocation-free, like podctl-pause.
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orchestrator/container/capability_syscalls.h"
#include "orchestrator/container/seccomp_load.h"

namespace {

[[noreturn]] void die(const char* what, int err, int code) {
  const char* reason = strerror(err);
  (void)!write(2, "podctl exec: ", 13);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, reason, strlen(reason));
  (void)!write(2, "\n", 1);
  _exit(code);
}

unsigned long number(const char* text, int base) {
  char* end = nullptr;
  errno = 0;
  unsigned long value = strtoul(text, &end, base);
  if (errno != 0 || end == text || *end != '\0') die("bad argument", EINVAL, 126);
  return value;
}

int parse_groups(char* list, gid_t* out, int max) {
  int n = 0;
  for (char* at = list; *at && n < max;) {
    char* comma = strchr(at, ',');
    if (comma) *comma = '\0';
    out[n++] = static_cast<gid_t>(number(at, 10));
    if (!comma) break;
    at = comma + 1;
  }
  return n;
}

[[noreturn]] void become_command(char** argv);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 9) die("usage: podctl-enter PIDFD UID GID GROUPS CAPS FLAGS WORKDIR COMMAND...", EINVAL, 126);
  // Non-dumpable for as long as this process is ours: /proc/PID/{mem,environ,fd} stay root-only.
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) die("make the process non-dumpable", errno, 126);
  int pidfd = static_cast<int>(number(argv[1], 10));
  if (setns(pidfd, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0)
    die("setns", errno, 126);
  (void)close(pidfd);  // only read by setns; Linux releases it whatever close returns
  // Joining a pid namespace applies to children only: fork once more.
  pid_t inner = fork();
  if (inner < 0) die("fork", errno, 126);
  if (inner == 0) become_command(argv + 1);
  int status = 0;
  while (waitpid(inner, &status, 0) < 0 && errno == EINTR) {
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

namespace {

void become_command(char** argv) {
  uid_t uid = static_cast<uid_t>(number(argv[1], 10));
  gid_t gid = static_cast<gid_t>(number(argv[2], 10));
  static gid_t groups[256];
  int group_count = parse_groups(argv[3], groups, 256);
  uint64_t caps = number(argv[4], 16);
  bool no_new_privs = strchr(argv[5], 'n') != nullptr, die_with_parent = strchr(argv[5], 'd') != nullptr;
  // The container's filter, read whole from fd 4 (BPF_MAXINSNS instructions at most).
  static sock_filter filter[4096];
  size_t filter_size = 0;
  if (strchr(argv[5], 's')) {
    ssize_t n = pread(4, filter, sizeof filter, 0);
    if (n <= 0 || n % static_cast<ssize_t>(sizeof(sock_filter)) != 0)
      die("read the seccomp filter", errno ? errno : EINVAL, 126);
    filter_size = static_cast<size_t>(n) / sizeof(sock_filter);
    (void)close(4);  // read whole above; Linux releases it whatever close returns
  }
  // As the container's own process: with no_new_privs, last; without, while CAP_SYS_ADMIN is
  // still there to allow it.
  if (!no_new_privs)
    if (int err = podctl::load_seccomp_in_child(filter, filter_size)) die("load the seccomp filter", err, 126);
  if (chdir(argv[6]) != 0 && chdir("/") != 0) die("chdir", errno, 126);
  if (int err = podctl::drop_bounding_capabilities_in_child(caps)) die("drop capabilities", err, 126);
  if (setgroups(static_cast<size_t>(group_count), groups) != 0 || setresgid(gid, gid, gid) != 0 ||
      setresuid(uid, uid, uid) != 0)
    die("set user", errno, 126);
  if (uid == 0)
    if (int err = podctl::set_process_capabilities_in_child(caps)) die("set capabilities", err, 126);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    die("make the process non-dumpable", errno, 126);  // a change of user resets it
  if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("set no_new_privs", errno, 126);
  if (no_new_privs)
    if (int err = podctl::load_seccomp_in_child(filter, filter_size)) die("load the seccomp filter", err, 126);
  // After the user change, which clears the parent-death signal. The parent lives in an outer pid
  // namespace, so getppid() is 0 while it lives and non-zero once we were reparented.
  if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != 0)) _exit(126);
  char** command = argv + 7;
  execvp(command[0], command);  // PATH is the container's: the environment is its
  int err = errno;
  const char* prefix = "exec: \"";
  (void)!write(2, prefix, strlen(prefix));
  (void)!write(2, command[0], strlen(command[0]));
  const char* reason = err == ENOENT ? "\": executable file not found in $PATH\n" : "\": ";
  (void)!write(2, reason, strlen(reason));
  if (err != ENOENT) {
    (void)!write(2, strerror(err), strlen(strerror(err)));
    (void)!write(2, "\n", 1);
  }
  _exit(err == ENOENT ? 127 : 126);
}

}  // namespace
