// podctl - port-forward's arguments: [LOCAL:]REMOTE port pairs and the addresses to listen on,
// read as kubectl reads them.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

struct PortPair {
  int local_port = 0;       // 0: any free port
  int remote_port = 0;      // 0 while remote_name is to be resolved
  std::string remote_name;  // a container port's (or a Service port's) name
  std::string remote_text() const { return remote_name.empty() ? std::to_string(remote_port) : remote_name; }
};

// "8080" (the same port on both sides), "8080:80", ":80" or "0:80" (any local port), "8080:http".
Result<PortPair> parse_port_pair(const std::string& text);

struct ForwardAddress {
  std::string ip;               // "127.0.0.1", "::1", "0.0.0.0"...
  bool from_localhost = false;  // as kubectl: one of localhost's two may fail (a host without IPv6)
  bool operator==(const ForwardAddress&) const = default;
};

// "localhost" (127.0.0.1 and ::1, as kubectl), or IPv4 and IPv6 addresses, comma-separated; each once.
Result<std::vector<ForwardAddress>> parse_forward_addresses(const std::string& text);

// "127.0.0.1:8080", "[::1]:8080": as kubectl prints a listener.
std::string host_port(const std::string& ip, int port);

}  // namespace podctl
