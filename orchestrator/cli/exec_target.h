// podctl - a running container made ready to be entered (exec, cp): what its main process runs as,
// its seccomp filter, and a pidfd of that very process.
#pragma once

#include <string>

#include "base/error.h"
#include "base/unique_fd.h"
#include "orchestrator/cli/invocation.h"
#include "orchestrator/container/container_exec.h"

namespace podctl {

struct PreparedExec {
  ExecTarget target;
  UniqueFd pidfd;
};

// `container` empty: the pod's first. Errors are kubectl's words: pods "x" not found, container x
// is not valid for pod p, container "x" in pod "p" is not running.
Result<PreparedExec> prepare_exec(const Invocation& inv, const std::string& pod, const std::string& container);

// The same for a command line's pod argument (NAME, pod/NAME or a workload's TYPE/NAME) and its
// -c: the exit code when it fails (its error printed), else 0 with `out` set.
int prepare_exec_of_arg(const Invocation& inv, const std::string& pod_arg, PreparedExec& out);

}  // namespace podctl
