// podctl - port-forward's relay: listeners on the host, each connection relayed to a port of the
// pod's loopback, as kubectl port-forward does through the kubelet.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

struct ForwardedPort {
  UniqueFd listener;  // bound and listening in the host's network namespace
  int local_port = 0;
  int remote_port = 0;
};

struct ForwardEvents {
  std::function<void(const ForwardedPort&)> accepted;                        // "Handling connection for 8080"
  std::function<void(const ForwardedPort&, const std::string&)> failed;      // a connection to the pod failed
};

// Binds and listens on address:port (port 0: any free port), in the calling thread's network
// namespace.
Result<ForwardedPort> listen_on(const std::string& address, int local_port, int remote_port);

// Moves the calling thread into the network namespace of the process behind pause_pidfd (the
// pod's pause) and relays until stop_fd becomes readable (0) or the pause exits (an error). Sockets
// made before the move stay in the host's namespace: the listeners keep taking the host's
// connections, and every connection made after it reaches the pod's 127.0.0.1.
Status relay_into_pod(std::vector<ForwardedPort>& ports, int pause_pidfd, int stop_fd, const ForwardEvents& events);

}  // namespace podctl
