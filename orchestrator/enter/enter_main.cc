// podctl-enter - how `podctl exec`, exec probes and exec lifecycle hooks get into a container.
// Started in the container's cgroup, it joins the container's namespaces through its pidfd, forks
// into its pid namespace, takes the container's user, groups and capabilities, and execs the
// command with the container's PATH; the first process waits and exits with the command's status.
//   podctl-enter PIDFD UID GID GROUPS CAPS FLAGS WORKDIR COMMAND [ARGS...]
//     PIDFD: an inherited pidfd of the container's process; GROUPS: comma-separated gids ("" for
//     none); CAPS: the bounding set in hex; FLAGS: "n" no_new_privs, "d" die with the parent,
//     "s" fd 4 holds the container's seccomp filter (compiled BPF), which the command runs under;
//     "t" fd 5 is a unix socket to podctl exec: a terminal is made in the container's own devpts
//     (so that tty, ttyname and job control work inside), its master end is sent back over the
//     socket, and the command starts once podctl has set the terminal's size (one byte back).
// It is never run from a file: podctl execs a sealed memfd copy of it before anything joins the
// container, so that a process the container can see (even with CAP_SYS_PTRACE, and with its
// uid once the user changed) has /proc/PID/exe pointing at that memfd, which nobody can write
// (CVE-2019-5736: a container that opened /proc/PID/exe of a runtime's binary and wrote to it).
// Static and allocation-free, like podctl-pause.
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
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

constexpr int kTerminalSocket = 5;

void send_fd(int socket, int fd) {
  char byte = 't';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(socket, &msg, MSG_NOSIGNAL) != 1) die("send the terminal to podctl", errno, 126);
}

// A new terminal of the container's devpts instance (mounted newinstance, so /dev/pts/ptmx is its
// own multiplexer): the slave end is returned, the master sent to podctl. The node is the
// container's, so it is checked to be the pty multiplexer (5:2) before it is used, and the slave
// is reached through the master (TIOCGPTPEER), never by a path.
int make_terminal() {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (master < 0) die("open the container's /dev/pts/ptmx", errno, 126);
  struct stat st;
  if (fstat(master, &st) != 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
    die("the container's /dev/pts/ptmx is not the pty multiplexer", EINVAL, 126);
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) != 0) die("unlock the terminal", errno, 126);
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) die("open the terminal", errno, 126);
  int flags = fcntl(master, F_GETFL);
  if (flags < 0 || fcntl(master, F_SETFL, flags & ~O_NONBLOCK) != 0) die("set up the terminal", errno, 126);
  send_fd(kTerminalSocket, master);
  (void)close(master);  // podctl holds it now
  char go = 0;
  ssize_t n;
  while ((n = read(kTerminalSocket, &go, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) _exit(126);  // podctl went away before the command started
  (void)close(kTerminalSocket);
  return slave;
}

// In the command's process: a session of its own with the terminal as its controlling one and
// as its stdio, owned by the user it runs as (as a login's terminal is).
void attach_terminal(int slave, char** argv) {
  if (fchown(slave, static_cast<uid_t>(number(argv[1], 10)), static_cast<gid_t>(number(argv[2], 10))) != 0)
    die("give the terminal to the user", errno, 126);
  if (setsid() < 0) die("setsid", errno, 126);
  if (ioctl(slave, TIOCSCTTY, 0) != 0) die("make the terminal the controlling one", errno, 126);
  for (int fd = 0; fd < 3; ++fd)
    if (dup2(slave, fd) < 0) die("connect the terminal", errno, 126);
  (void)close(slave);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 9) die("usage: podctl-enter PIDFD UID GID GROUPS CAPS FLAGS WORKDIR COMMAND...", EINVAL, 126);
  // Non-dumpable for as long as this process is ours: /proc/PID/{mem,environ,fd} stay root-only.
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) die("make the process non-dumpable", errno, 126);
  int pidfd = static_cast<int>(number(argv[1], 10));
  if (setns(pidfd, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0)
    die("setns", errno, 126);
  (void)close(pidfd);  // only read by setns; Linux releases it whatever close returns
  // After the setns: the container's devpts is the one in this mount namespace.
  int slave = strchr(argv[6], 't') ? make_terminal() : -1;
  // Joining a pid namespace applies to children only: fork once more.
  pid_t inner = fork();
  if (inner < 0) die("fork", errno, 126);
  if (inner == 0) {
    if (slave >= 0) attach_terminal(slave, argv + 1);
    become_command(argv + 1);
  }
  if (slave >= 0) (void)close(slave);
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
