// The real runtime, part two: a container's process once it runs. Its exit, its output, its
// signals, and the probe and hook runs beside it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "orchestrator/container/container_config.h"
#include "orchestrator/logs/termination_message.h"
#include "orchestrator/supervisor/linux_runtime.h"

namespace podctl::supervisor {

// The process is gone: the rest of its output, its probes and hooks end with it.
ContainerExit LinuxPodRuntime::end_run(size_t i, int exit_code) {
  ContainerProcess& p = containers_[i];
  drain(i, false);
  drain(i, true);
  cancel_handlers(i);
  p.exec_target.reset();
  bool oom = exit_code == 137 && oom_kill_count(cgroup_layout_, p.cgroup) > p.oom_kills_at_start;
  std::string message =
      termination_message(p.termination_log, p.termination_policy, exit_code, paths_.log_dir(p.name), p.run);
  return {exit_code, oom, std::move(message)};
}

std::optional<ContainerExit> LinuxPodRuntime::reap_container(size_t i) {
  auto status = reap_exited(containers_[i].proc);
  if (!status) return std::nullopt;
  return end_run(i, *status);
}

ContainerExit LinuxPodRuntime::kill_now(size_t i) {
  ContainerProcess& p = containers_[i];
  if (p.proc.valid()) {
    watcher_.unwatch(p.proc.pidfd());
    p.proc.kill_and_reap();
  }
  return end_run(i, 137);
}

Status LinuxPodRuntime::signal(size_t i, StopSignal signal) {
  ContainerProcess& p = containers_[i];
  if (!p.proc.valid()) return fail(make_error("container " + p.name + " is not running"));
  // SIGTERM, or the image's StopSignal, as container runtimes send it.
  int signo = signal == StopSignal::Kill ? SIGKILL : p.stop_signal;
  if (pidfd_send_signal_to(p.proc.pidfd(), signo) != 0) return fail(sys_error("signal container " + p.name));
  return {};
}

void LinuxPodRuntime::drain(size_t i, bool is_stderr) {
  ContainerProcess& p = containers_[i];
  UniqueFd& fd = is_stderr ? p.err : p.out;
  if (!fd) return;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      p.log.feed(is_stderr, buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    p.log.finish(is_stderr);  // EOF, or an error that ends the pipe as surely
    watcher_.unwatch(fd.get());
    fd.reset();
    return;
  }
}

// Exec probes and hooks run as the container's process does: its user, capabilities and
// environment, read from /proc once per run, and only for containers that have exec actions.
const ExecTarget* LinuxPodRuntime::exec_target(ContainerProcess& p) {
  if (!p.exec_target) {
    auto target = describe_container_process(p.proc.pid());
    if (!target) return nullptr;
    p.exec_target = std::move(*target);
    p.exec_target->cgroup = p.cgroup;
    p.exec_target->seccomp = p.seccomp;  // probes and hooks run under the container's filter
    if (!p.working_dir.empty()) p.exec_target->working_dir = p.working_dir;
  }
  return &*p.exec_target;
}

Status LinuxPodRuntime::run_handler(size_t i, const manifest::Container& spec, HandlerKind kind,
                                    const manifest::Handler& handler, std::optional<Millis> deadline) {
  ContainerProcess& p = containers_[i];
  HandlerTarget target;
  target.pod_ip = record_.pod_ip;
  target.container = &spec;
  if (handler.exec) target.exec = exec_target(p);
  target.container_pidfd = p.proc.pidfd();
  auto& slot = p.runs[static_cast<size_t>(kind)];
  PODCTL_ASSIGN_OR_RETURN(slot, HandlerRun::start(handler, target, deadline));
  if (slot->fd() < 0) return {};  // a sleep: only its deadline
  auto st =
      watcher_.watch(slot->fd(), tag(Tag::Handler, i * kHandlerKinds + static_cast<size_t>(kind)), slot->events());
  if (!st) slot.reset();
  return st;
}

std::optional<std::pair<HandlerKind, HandlerOutcome>> LinuxPodRuntime::advance_handler(size_t tag_index) {
  const size_t i = tag_index / kHandlerKinds;
  const auto kind = static_cast<HandlerKind>(tag_index % kHandlerKinds);
  auto& run = containers_[i].runs[static_cast<size_t>(kind)];
  if (!run) return std::nullopt;
  uint32_t before = run->events();
  auto outcome = run->advance();
  if (outcome) {
    watcher_.unwatch(run->fd());
    run.reset();
    return std::pair{kind, *outcome};
  }
  if (run->events() == before) return std::nullopt;
  if (auto st = watcher_.modify(run->fd(), tag(Tag::Handler, tag_index), run->events()); !st) {
    watcher_.unwatch(run->fd());
    run.reset();
    return std::pair{kind, HandlerOutcome{plan::ProbeResult::Unknown, st.error().message}};
  }
  return std::nullopt;
}

HandlerOutcome LinuxPodRuntime::expire_handler(size_t i, HandlerKind kind) {
  auto& run = containers_[i].runs[static_cast<size_t>(kind)];
  if (!run) return {plan::ProbeResult::Unknown, "the run had already ended"};
  HandlerOutcome outcome = run->expire();
  if (run->fd() >= 0) watcher_.unwatch(run->fd());
  run.reset();
  return outcome;
}

void LinuxPodRuntime::cancel_handlers(size_t i) {
  for (auto& run : containers_[i].runs) {
    if (run && run->fd() >= 0) watcher_.unwatch(run->fd());
    run.reset();  // an exec run's process dies here, and its command with it
  }
}

void LinuxPodRuntime::reap_strangers() {
  // Orphans handed to us as sub-reaper; our own children are reaped through their pidfds.
  std::ifstream in("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  pid_t pid;
  while (in >> pid) {
    bool ours = pause_.valid() && pid == pause_.pid();
    for (const auto& p : containers_) {
      ours |= (p.proc.valid() && p.proc.pid() == pid) || (p.pull.valid() && p.pull.pid() == pid);
      for (const auto& run : p.runs) ours |= run && run->pid() == pid;
    }
    // WNOHANG on a child that is not ours: 0 while it runs, its pid once reaped; nothing to act on.
    if (!ours) (void)::waitpid(pid, nullptr, WNOHANG);
  }
}

}  // namespace podctl::supervisor
