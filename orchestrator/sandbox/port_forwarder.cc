#include "orchestrator/sandbox/port_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>

namespace podctl {
namespace {

// Bytes held for one direction before reading from that side pauses (back-pressure).
constexpr size_t kBufferCap = 256 * 1024;

struct Connection {
  const ForwardedPort* port;
  UniqueFd client, pod;
  bool connecting = true;
  std::string to_pod, to_client;
  bool client_eof = false, pod_eof = false;    // that side will send nothing more
  bool pod_shut = false, client_shut = false;  // we told that side we send nothing more
  bool broken = false;
};

// Writes what it can; false on an error of the socket (the peer went away).
bool flush(int fd, std::string& pending) {
  while (!pending.empty()) {
    ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    pending.erase(0, static_cast<size_t>(n));
  }
  return true;
}

// Reads what there is into `into`; false on an error. eof is set at the end of the stream.
bool drain(int fd, std::string& into, bool& eof) {
  char buf[65536];
  while (into.size() < kBufferCap) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      eof = true;
      return true;
    }
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    into.append(buf, static_cast<size_t>(n));
  }
  return true;
}

// The pod side: a socket made in the pod's namespace, connecting to its loopback.
Result<UniqueFd> connect_in_pod(int remote_port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fail(sys_error("socket"));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(remote_port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
    return fail(sys_error("connect to port " + std::to_string(remote_port)));
  return fd;
}

void accept_all(const ForwardedPort& port, std::list<Connection>& conns, const ForwardEvents& events) {
  for (;;) {
    UniqueFd client(::accept4(port.listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client) return;  // EAGAIN: none left (or the client gave up meanwhile)
    if (events.accepted) events.accepted(port);
    auto pod = connect_in_pod(port.remote_port);
    if (!pod) {
      if (events.failed) events.failed(port, pod.error().message);
      continue;
    }
    conns.push_back(Connection{&port, std::move(client), std::move(*pod)});
  }
}

void finish_connect(Connection& c, const ForwardEvents& events) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(c.pod.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) {
    c.connecting = false;
    return;
  }
  if (events.failed)
    events.failed(*c.port, "connect to port " + std::to_string(c.port->remote_port) + ": " + std::strerror(err));
  c.broken = true;
}

// One step of a connection after poll; then the half-closes each direction has reached.
void step(Connection& c, short client_events, short pod_events, const ForwardEvents& events) {
  if (c.connecting) {
    if (pod_events) finish_connect(c, events);
    if (c.connecting || c.broken) return;
  }
  if ((client_events & (POLLIN | POLLHUP | POLLERR)) && !drain(c.client.get(), c.to_pod, c.client_eof)) c.broken = true;
  if ((pod_events & (POLLIN | POLLHUP | POLLERR)) && !drain(c.pod.get(), c.to_client, c.pod_eof)) c.broken = true;
  if (!flush(c.pod.get(), c.to_pod) || !flush(c.client.get(), c.to_client)) c.broken = true;
  // A failed shutdown means the peer is gone; the next read or write says so.
  if (c.client_eof && c.to_pod.empty() && !c.pod_shut) {
    (void)::shutdown(c.pod.get(), SHUT_WR);
    c.pod_shut = true;
  }
  if (c.pod_eof && c.to_client.empty() && !c.client_shut) {
    (void)::shutdown(c.client.get(), SHUT_WR);
    c.client_shut = true;
  }
}

bool done(const Connection& c) { return c.broken || (c.pod_shut && c.client_shut); }

short client_interest(const Connection& c) {
  if (c.connecting) return 0;
  return static_cast<short>((!c.client_eof && c.to_pod.size() < kBufferCap ? POLLIN : 0) |
                            (!c.to_client.empty() ? POLLOUT : 0));
}

short pod_interest(const Connection& c) {
  if (c.connecting) return POLLOUT;
  return static_cast<short>((!c.pod_eof && c.to_client.size() < kBufferCap ? POLLIN : 0) |
                            (!c.to_pod.empty() ? POLLOUT : 0));
}

}  // namespace

Result<ForwardedPort> listen_on(const std::string& address, int local_port, int remote_port) {
  sockaddr_storage at{};
  socklen_t size = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&at);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&at);
  const auto port = htons(static_cast<uint16_t>(local_port));
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    size = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    size = sizeof *v6;
  } else {
    return fail(make_error("--address " + address + ": not an IP address"));
  }
  UniqueFd fd(::socket(at.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fail(sys_error("socket"));
  int on = 1;
  (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  // "::" must not take the IPv4 port too: 0.0.0.0 may be asked for separately, as with kubectl.
  if (at.ss_family == AF_INET6) (void)::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  std::string where = (at.ss_family == AF_INET6 ? "[" + address + "]" : address) + ":" + std::to_string(local_port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&at), size) != 0) return fail(sys_error("unable to listen on " + where));
  if (::listen(fd.get(), 128) != 0) return fail(sys_error("listen on " + where));
  socklen_t len = sizeof at;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&at), &len) != 0) return fail(sys_error("getsockname"));
  return ForwardedPort{std::move(fd), ntohs(at.ss_family == AF_INET6 ? v6->sin6_port : v4->sin_port), remote_port};
}

Status relay_into_pod(std::vector<ForwardedPort>& ports, int pause_pidfd, int stop_fd, const ForwardEvents& events) {
  // setns by pidfd: the namespace of exactly that process, even if its pid were reused later.
  if (::setns(pause_pidfd, CLONE_NEWNET) != 0) return fail(sys_error("join the pod's network namespace"));
  std::list<Connection> conns;
  for (;;) {
    std::vector<pollfd> fds{{stop_fd, POLLIN, 0}, {pause_pidfd, POLLIN, 0}};
    for (const auto& p : ports) fds.push_back({p.listener.get(), POLLIN, 0});
    for (const auto& c : conns) {
      fds.push_back({c.client.get(), client_interest(c), 0});
      fds.push_back({c.pod.get(), pod_interest(c), 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return fail(sys_error("poll"));
    }
    if (fds[0].revents) return {};
    if (fds[1].revents) return fail(make_error("lost connection to pod"));
    size_t i = 2;
    for (const auto& p : ports)
      if (fds[i++].revents) accept_all(p, conns, events);
    // Connections accepted just now are past the end of fds: they are polled next time round.
    for (auto it = conns.begin(); it != conns.end() && i + 1 < fds.size(); i += 2) {
      step(*it, fds[i].revents, fds[i + 1].revents, events);
      it = done(*it) ? conns.erase(it) : std::next(it);
    }
  }
}

}  // namespace podctl
