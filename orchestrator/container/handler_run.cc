#include "orchestrator/container/handler_run.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace podctl {
namespace {

using plan::ProbeResult;

constexpr size_t kMaxOutput = 10 * 1024;  // the kubelet keeps 10 KiB of a probe's output
constexpr const char* kUserAgent = "kube-probe/1.33";

Result<int> resolve_port(const manifest::IntOrString& port, const manifest::Container* container) {
  if (!port.is_string) return static_cast<int>(port.number);
  if (container)
    for (const auto& p : container->ports)
      if (p.name == port.text) return static_cast<int>(p.container_port);
  return fail(make_error("unable to find port \"" + port.text + "\" in the container's ports"));
}

Result<sockaddr_in> socket_address(const std::string& host, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return fail(make_error("host \"" + host + "\" is not an IPv4 address"));
  return addr;
}

std::string http_request(const manifest::HttpGetAction& h, const std::string& authority) {
  bool has_host = false, has_agent = false, has_accept = false;
  std::string headers;
  for (const auto& hd : h.http_headers) {
    std::string lower = hd.name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    has_host |= lower == "host";
    has_agent |= lower == "user-agent";
    has_accept |= lower == "accept";
    headers += hd.name + ": " + hd.value + "\r\n";
  }
  if (!has_host) headers = "Host: " + authority + "\r\n" + headers;
  if (!has_agent) headers += std::string("User-Agent: ") + kUserAgent + "\r\n";
  if (!has_accept) headers += "Accept: */*\r\n";
  return "GET " + h.path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n";
}

std::string errno_text(int err) {
  switch (err) {
    case ECONNREFUSED: return "connection refused";
    case EHOSTUNREACH: return "no route to host";
    case ENETUNREACH: return "network is unreachable";
    case ECONNRESET: return "connection reset by peer";
    default: return std::strerror(err);
  }
}

}  // namespace

Result<HandlerRun> HandlerRun::start(const manifest::Handler& handler, const HandlerTarget& target,
                                     std::optional<int64_t> deadline) {
  HandlerRun run;
  run.deadline_ = deadline;
  if (handler.sleep) {
    run.kind_ = Kind::Sleep;
    return run;
  }
  if (handler.exec) {
    run.kind_ = Kind::Exec;
    for (const auto& part : handler.exec->command) run.command_ += (run.command_.empty() ? "" : " ") + part;
    if (!target.exec || target.container_pidfd < 0) return fail(make_error("the container is not running"));
    run.output_.reset(::memfd_create("probe-output", MFD_CLOEXEC));
    if (!run.output_) return fail(sys_error("memfd_create"));
    ExecStdio stdio{-1, run.output_.get(), run.output_.get(), -1, true};
    PODCTL_ASSIGN_OR_RETURN(run.process_,
                            spawn_in_container(*target.exec, target.container_pidfd, handler.exec->command, stdio));
    run.events_ = EPOLLIN;
    return run;
  }
  const bool http = handler.http_get.has_value();
  if (!http && !handler.tcp_socket) return fail(make_error("grpc actions are not supported by podctl yet"));
  run.kind_ = http ? Kind::Http : Kind::Tcp;
  const std::string& host_field = http ? handler.http_get->host : handler.tcp_socket->host;
  std::string host = host_field.empty() ? target.pod_ip : host_field;
  int port;
  PODCTL_ASSIGN_OR_RETURN(port,
                          resolve_port(http ? handler.http_get->port : handler.tcp_socket->port, target.container));
  sockaddr_in addr;
  PODCTL_ASSIGN_OR_RETURN(addr, socket_address(host, port));
  run.address_ = host + ":" + std::to_string(port);
  if (http) {
    run.url_ = "http://" + run.address_ + handler.http_get->path;
    run.request_ = http_request(*handler.http_get, run.address_);
  }
  run.fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!run.fd_) return fail(sys_error("socket"));
  // Refused at once (a local address): kept for the first readiness, which a closed socket reports
  // at once (EPOLLHUP), and where SO_ERROR would no longer say why.
  if (::connect(run.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    run.connect_error_ = errno;
  run.events_ = EPOLLOUT;
  return run;
}

std::string HandlerRun::dial_target() const { return "dial tcp " + address_; }

std::optional<HandlerOutcome> HandlerRun::advance() { return kind_ == Kind::Exec ? advance_exec() : advance_socket(); }

std::optional<HandlerOutcome> HandlerRun::advance_exec() {
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), process_.pidfd(), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
    return std::nullopt;
  process_.release();
  char buf[kMaxOutput];
  ssize_t n = ::pread(output_.get(), buf, sizeof buf, 0);
  std::string output(buf, n > 0 ? static_cast<size_t>(n) : 0);
  int code = exit_status_of(info);
  if (code == 0) return HandlerOutcome{ProbeResult::Success, output};
  if (output.empty()) output = "command \"" + command_ + "\" exited with " + std::to_string(code);
  return HandlerOutcome{ProbeResult::Failure, output};
}

std::optional<HandlerOutcome> HandlerRun::advance_socket() {
  std::string prefix = kind_ == Kind::Http ? "Get \"" + url_ + "\": " : "";
  if (!connected_) {
    int err = connect_error_;
    socklen_t len = sizeof err;
    if (err == 0) ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return HandlerOutcome{ProbeResult::Failure, prefix + dial_target() + ": connect: " + errno_text(err)};
    connected_ = true;
    if (kind_ == Kind::Tcp) return HandlerOutcome{ProbeResult::Success, ""};
    // A request this small fits in any socket buffer: one send is enough.
    if (::send(fd_.get(), request_.data(), request_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size()))
      return HandlerOutcome{ProbeResult::Failure, prefix + "write: " + errno_text(errno)};
    events_ = EPOLLIN;
    return std::nullopt;
  }
  char buf[4096];
  ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return std::nullopt;
  if (n > 0) response_.append(buf, static_cast<size_t>(n));
  auto eol = response_.find("\r\n");
  if (eol == std::string::npos) {
    if (n > 0 && response_.size() < kMaxOutput) return std::nullopt;
    return HandlerOutcome{ProbeResult::Failure, prefix + (n < 0 ? errno_text(errno) : "EOF")};
  }
  // "HTTP/1.1 200 OK": 200 ≤ code < 400 is a success, as for the kubelet.
  std::string status_line = response_.substr(0, eol);
  auto space = status_line.find(' ');
  int code = space == std::string::npos ? 0 : std::atoi(status_line.c_str() + space + 1);
  if (status_line.rfind("HTTP/", 0) != 0 || code < 100)
    return HandlerOutcome{ProbeResult::Failure, prefix + "malformed HTTP response \"" + status_line + "\""};
  if (code >= 200 && code < 400) return HandlerOutcome{ProbeResult::Success, ""};
  return HandlerOutcome{ProbeResult::Failure, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

HandlerOutcome HandlerRun::expire() {
  switch (kind_) {
    case Kind::Sleep: return {ProbeResult::Success, ""};
    case Kind::Exec: process_.kill_and_reap(); return {ProbeResult::Failure, "command \"" + command_ + "\" timed out"};
    case Kind::Tcp: return {ProbeResult::Failure, dial_target() + ": i/o timeout"};
    case Kind::Http:
      return {ProbeResult::Failure,
              "Get \"" + url_ + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"};
  }
  return {};
}

}  // namespace podctl
