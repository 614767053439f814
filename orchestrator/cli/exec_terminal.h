// podctl - exec -t's side of the terminal: the master end of a terminal made in the container,
// sized like the user's and resized with it (SIGWINCH), relayed to the user's terminal (raw while
// it runs, restored after).
#pragma once

#include "orchestrator/container/child_process.h"

namespace podctl {

// Waits for the process and returns its exit status (128+N when killed by signal N).
int wait_for(ChildProcess& child);

// `socket` is the other end of the child's terminal_socket. Returns the command's exit status.
int run_with_terminal(int socket, ChildProcess& child, bool forward_stdin);

}  // namespace podctl
