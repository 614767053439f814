// podctl - one run of a probe or lifecycle-hook action, driven by the supervisor's epoll loop
// without ever blocking it: exec is a process in the container (its pidfd is watched), httpGet
// and tcpSocket are non-blocking sockets, sleep is only a deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/unique_fd.h"
#include "manifests/pod_spec.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_exec.h"
#include "orchestrator/plan/pod_plan.h"
#include "orchestrator/plan/probe_worker.h"

namespace podctl {

using HandlerOutcome = plan::HandlerOutcome;

// Where an action runs: the pod's IP for sockets, the container's process for exec.
struct HandlerTarget {
  std::string pod_ip;
  const manifest::Container* container = nullptr;  // for named ports
  const ExecTarget* exec = nullptr;
  int container_pidfd = -1;
};

class HandlerRun {
 public:
  // deadline: monotonic ms, or none (a postStart hook runs as long as it takes).
  static Result<HandlerRun> start(const manifest::Handler& handler, const HandlerTarget& target,
                                  std::optional<int64_t> deadline);

  int fd() const { return kind_ == Kind::Exec ? process_.pidfd() : fd_.get(); }  // -1: nothing (sleep)
  uint32_t events() const { return events_; }                                    // EPOLLIN or EPOLLOUT
  std::optional<int64_t> deadline() const { return deadline_; }
  pid_t pid() const { return kind_ == Kind::Exec ? process_.pid() : 0; }  // the exec process, if any
  // The fd is ready: a value once the action has finished.
  std::optional<HandlerOutcome> advance();
  // The deadline passed: a sleep has succeeded, anything else has failed.
  HandlerOutcome expire();

 private:
  enum class Kind { Exec, Http, Tcp, Sleep };
  std::optional<HandlerOutcome> advance_socket();
  std::optional<HandlerOutcome> advance_exec();
  std::string dial_target() const;

  Kind kind_ = Kind::Sleep;
  UniqueFd fd_;  // the socket
  uint32_t events_ = 0;
  std::optional<int64_t> deadline_;
  ChildProcess process_;       // exec: killed on destruction, with the command (pdeathsig)
  UniqueFd output_;            // exec: a memfd holding what the command printed
  std::string command_;        // exec: for messages
  std::string address_, url_;  // sockets: "10.0.0.5:8080", "http://10.0.0.5:8080/healthz"
  std::string request_, response_;
  bool connected_ = false;
  int connect_error_ = 0;
};

}  // namespace podctl
