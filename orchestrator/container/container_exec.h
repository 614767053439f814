// podctl - running a further process in a running container (what `crictl exec` does): join its
// cgroup and all its namespaces, take its environment, user and capabilities, and exec. Used by
// `podctl exec`, exec probes and exec lifecycle hooks.
#pragma once

#include <linux/filter.h>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/container/child_process.h"

namespace podctl {

// What the container's main process runs as, read from the kernel rather than recomputed.
struct ExecTarget {
  pid_t pid = 0;
  std::string cgroup;  // absolute cgroup v2 directory of the container
  std::string working_dir = "/";
  std::vector<std::string> env;  // "NAME=value"
  uint32_t uid = 0, gid = 0;
  std::vector<gid_t> groups;
  uint64_t bounding = 0;  // capability bounding set
  bool no_new_privs = false;
  std::vector<sock_filter> seccomp;  // the container's filter (empty: none), which the command runs under
};

Result<ExecTarget> describe_container_process(pid_t pid);

struct ExecStdio {
  int in = -1, out = -1, err = -1;  // -1: /dev/null for stdin, inherited for the others
  int terminal_socket = -1;         // a unix socket: the command gets a new terminal of the
                                    // container's devpts, whose master end comes back over it
                                    // (recv_terminal); the command starts once a byte is sent back
  bool die_with_parent = false;     // the command dies when the returned process dies (timeouts)
};

// The returned process joins the container and waits for the command, exiting with its status
// (126: could not enter or exec, 127: not found, 128+N: killed by signal N).
Result<ChildProcess> spawn_in_container(const ExecTarget& target, int container_pidfd,
                                        const std::vector<std::string>& argv, const ExecStdio& stdio);

// The master end of the terminal the child made (-t), received over the other end of its
// terminal_socket; an error when the child exited first (its own error is on stderr).
Result<UniqueFd> recv_terminal(int socket);

// Exit status of a process reaped by waitid, the shell's way (128+N for signal N).
int exit_status_of(const siginfo_t& info);

}  // namespace podctl
