// The supervisor's event loop: glue between the machine and the executor. It sets the process up,
// waits on one epoll set (pidfds, log pipes, probe sockets, a signalfd, a timerfd, an inotify fd),
// turns each event into an observation for the executor, lets it plan and act, and writes
// status.json. No decision is taken here.
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "base/files.h"
#include "base/process_identity.h"
#include "orchestrator/status/pod_status_json.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/supervisor/linux_runtime.h"
#include "orchestrator/supervisor/pod_binding.h"
#include "orchestrator/supervisor/pod_executor.h"
#include "orchestrator/supervisor/supervisor.h"

namespace podctl::supervisor {
namespace {

class Supervisor {
 public:
  explicit Supervisor(const SupervisorOptions& o) : opt_(o), runtime_(o, watcher_) {}
  int run();

 private:
  Status start();
  Status place();
  Status begin_running();
  plan::PodStatus waiting_status() const;
  bool finished() const { return executor_->done() || (!binding_ && stopped_); }
  Status setup_process();
  Status watch_config_sources();
  Status poll_config_sources(const std::vector<std::string>& dirs);
  std::string config_sources_stamp() const;
  void report(const std::string& line);
  void dispatch(Tag kind, size_t index);
  void on_signals();
  void on_timer();
  void on_config_sources_changed();
  void reload_spec();
  void after_events();
  Status arm_timer(std::optional<Millis> at);
  void write_status();
  Status write_status_document();
  void guarded(const char* step, const std::function<void()>& body);

  SupervisorOptions opt_;
  EventWatcher watcher_;
  LinuxPodRuntime runtime_;
  std::optional<PodExecutor> executor_;
  UniqueFd signal_fd_, timer_fd_, config_watch_;  // config_watch_: inotify, or a timerfd when polled
  std::vector<std::string> config_dirs_;            // set when polled
  std::string config_stamp_;
  std::string start_time_;
  std::string last_status_;
  // Until the pod is bound to the node: why it waits (Unschedulable, Rejected or NotOurs), since when.
  std::optional<Binding> binding_;
  std::optional<plan::SchedulingDecision> placement_;
  std::string placement_since_;
  bool stopped_ = false;  // deleted before it was ever bound
};

// The scheduler retries a pod that did not fit as pods come and go; here, on this period.
constexpr Millis kPlacementRetryMs = 2000;

Status Supervisor::setup_process() {
  // The supervisor is the parent of every pod process; a sub-reaper also inherits their orphans.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return fail(sys_error("become a sub-reaper"));
  if (::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0) return fail(sys_error("clear the parent-death signal"));
  // A private mount namespace: the pod's mounts (its /dev/shm) vanish with the supervisor, so a
  // crash never leaves a mount on the host. rslave still lets host mounts propagate in.
  if (::unshare(CLONE_NEWNS) != 0) return fail(sys_error("unshare mount namespace"));
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) return fail(sys_error("make / rslave"));
  auto self = identify_process(::getpid());
  if (!self) return fail(make_error("cannot read own /proc/self/stat"));
  PODCTL_TRY(write_supervisor_identity(runtime_.paths(), *self));

  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&mask, sig);
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return fail(sys_error("block signals"));
  if (::signal(SIGPIPE, SIG_IGN) == SIG_ERR) return fail(sys_error("ignore SIGPIPE"));
  signal_fd_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  timer_fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!signal_fd_ || !timer_fd_) return fail(sys_error("create the event loop"));
  PODCTL_TRY(watcher_.open());
  PODCTL_TRY(watcher_.watch(signal_fd_.get(), tag(Tag::Signal)));
  PODCTL_TRY(watcher_.watch(timer_fd_.get(), tag(Tag::Timer)));
  return watch_config_sources();
}

// ConfigMaps and Secrets of the namespace: volumes made from them follow their changes. Only for a
// pod that reads them: closing an inotify instance waits for an SRCU grace period, tens of
// milliseconds of every delete.
Status Supervisor::watch_config_sources() {
  if (config_watch_ || !reads_config_sources(executor_->pod())) return {};
  std::vector<std::string> dirs;
  for (const char* kind : {"configmaps", "secrets"}) {
    dirs.push_back(opt_.root.root + "/" + kind + "/" + opt_.ns);
    PODCTL_TRY(make_dirs(dirs.back(), 0700));
  }
  config_watch_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  for (const auto& dir : dirs) {
    if (!config_watch_) break;
    if (::inotify_add_watch(config_watch_.get(), dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE) < 0)
      config_watch_.reset();
  }
  if (!config_watch_) return poll_config_sources(dirs);
  return watcher_.watch(config_watch_.get(), tag(Tag::Config));
}

// A user has 128 inotify instances by default (fs.inotify.max_user_instances), and every podctl
// supervisor, `get -w` and `wait` of the machine takes from them: past that, the namespace's
// ConfigMaps and Secrets are checked every 2 s (the kubelet itself syncs such volumes every minute
// or so), by their directories' change times.
Status Supervisor::poll_config_sources(const std::vector<std::string>& dirs) {
  spdlog::warn("no inotify watch to be had ({}): ConfigMaps and Secrets are checked every 2 s", std::strerror(errno));
  config_watch_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!config_watch_) return fail(sys_error("timerfd_create"));
  itimerspec every{};
  every.it_interval.tv_sec = every.it_value.tv_sec = 2;
  if (::timerfd_settime(config_watch_.get(), 0, &every, nullptr) != 0) return fail(sys_error("timerfd_settime"));
  config_dirs_ = dirs;
  config_stamp_ = config_sources_stamp();
  return watcher_.watch(config_watch_.get(), tag(Tag::Config));
}

std::string Supervisor::config_sources_stamp() const {
  std::string stamp;
  for (const auto& dir : config_dirs_) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0)
      stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec) + " ";
  }
  return stamp;
}

void Supervisor::report(const std::string& line) {
  if (opt_.report_fd < 0) return;
  // The CLI waiting on the other end may be gone (killed); the pod goes on without it.
  (void)!::write(opt_.report_fd, line.data(), line.size());
  close_fd(opt_.report_fd);
  opt_.report_fd = -1;
}

Status Supervisor::start() {
  manifest::Pod pod;
  PODCTL_ASSIGN_OR_RETURN(pod, read_stored_spec(PodPaths{opt_.root.pod_dir(opt_.ns, opt_.name)}, opt_.ns));
  PODCTL_TRY(runtime_.load(pod));
  executor_.emplace(runtime_, pod, ExecutorOptions{opt_.backoff, runtime_.record().uid});
  PODCTL_TRY(setup_process());
  PODCTL_TRY(runtime_.prepare(pod));
  PODCTL_TRY(place());
  return binding_ ? begin_running() : Status{};
}

// Bound already (a supervisor started again for its pod), or placed now by the scheduler's rules.
Status Supervisor::place() {
  if (auto previous = read_json_file(runtime_.paths().status()))
    if (auto bound = binding_in(*previous)) {
      binding_ = bound;
      return {};
    }
  const manifest::Pod& pod = executor_->pod();
  auto decision = place_pod(opt_.root, pod, runtime_.record().uid, [&] {
    binding_ = binding_of(pod);
    return write_status_document();
  });
  if (!decision) return fail(decision.error());
  if (decision->placement == plan::Placement::Bind) {
    runtime_.record_event(EventType::Normal, "Scheduled",
                          "Successfully assigned " + opt_.ns + "/" + opt_.name + " to " + plan::kNodeName, "");
    placement_.reset();
    return {};
  }
  if (placement_ == *decision) return {};
  placement_ = *decision;
  placement_since_ = rfc3339_now();
  if (decision->placement == plan::Placement::Unschedulable)
    runtime_.record_event(EventType::Warning, "FailedScheduling", decision->message, "");
  else if (decision->placement == plan::Placement::Rejected)
    runtime_.record_event(EventType::Warning, decision->reason, decision->message, "");
  else
    spdlog::info("not scheduled: {}", decision->message);
  return {};
}

Status Supervisor::begin_running() {
  start_time_ = rfc3339_now();
  return executor_->create_sandbox();
}

// The status of a pod the node has not taken: Pending (with the scheduler's reason), or Failed
// when the kubelet refused it.
plan::PodStatus Supervisor::waiting_status() const {
  plan::PodStatus st;
  st.qos_class = plan::qos_class(executor_->pod());
  if (!placement_) return st;
  if (placement_->placement == plan::Placement::Rejected) {
    st.phase = plan::PodPhase::Failed;
    st.reason = placement_->reason;
    st.message = placement_->message;
  } else if (placement_->placement == plan::Placement::Unschedulable) {
    st.conditions.push_back(
        {plan::ConditionType::PodScheduled, false, placement_since_, placement_->reason, placement_->message});
  }
  return st;
}

Status Supervisor::arm_timer(std::optional<Millis> at) {
  itimerspec its{};
  if (at) {
    Millis delta = std::max<Millis>(*at - monotonic_ms(), 1);
    its.it_value.tv_sec = delta / 1000;
    its.it_value.tv_nsec = (delta % 1000) * 1'000'000;
  }
  if (::timerfd_settime(timer_fd_.get(), 0, &its, nullptr) != 0) return fail(sys_error("timerfd_settime"));
  return {};
}

void Supervisor::on_timer() {
  uint64_t expirations;
  // EAGAIN when the timer was re-armed after it fired: nothing to count, the handler runs anyway.
  (void)!::read(timer_fd_.get(), &expirations, sizeof expirations);
  if (binding_) return executor_->on_timer();
  if (auto st = place(); !st) spdlog::error("schedule: {}", st.error().message);
  if (binding_)
    if (auto st = begin_running(); !st) spdlog::error("{}", st.error().message);
}

void Supervisor::on_config_sources_changed() {
  char buf[4096];
  while (::read(config_watch_.get(), buf, sizeof buf) > 0) {
  }
  if (!config_dirs_.empty()) {  // polled: only a change of the directories counts
    std::string stamp = config_sources_stamp();
    if (stamp == config_stamp_) return;
    config_stamp_ = stamp;
  }
  if (!binding_) return;
  runtime_.refresh_volumes(executor_->pod());
  executor_->on_config_sources_changed();
}

// SIGHUP: apply wrote a spec in which only containers changed.
void Supervisor::reload_spec() {
  auto next = runtime_.read_spec();
  if (!next) {
    runtime_.record_event(EventType::Warning, "FailedUpdate", "Cannot read the new spec: " + next.error().message, "");
    return;
  }
  executor_->on_spec_changed(std::move(*next));
  if (auto st = watch_config_sources(); !st) spdlog::error("{}", st.error().message);
}

void Supervisor::on_signals() {
  signalfd_siginfo si;
  while (::read(signal_fd_.get(), &si, sizeof si) == sizeof si) {
    if (si.ssi_signo == SIGCHLD)
      runtime_.reap_strangers();
    else if (si.ssi_signo == SIGHUP)
      reload_spec();
    else if (!binding_)
      stopped_ = true;  // nothing runs yet: a delete takes it at once
    else
      executor_->on_terminate(runtime_.requested_grace_period());
  }
}

void Supervisor::dispatch(Tag kind, size_t index) {
  switch (kind) {
    case Tag::Signal: return on_signals();
    case Tag::Timer: return on_timer();
    case Tag::Pause:
      if (runtime_.reap_pause()) executor_->on_sandbox_lost();
      return;
    case Tag::Exit:
      if (auto exit = runtime_.reap_container(index)) {
        spdlog::info("container {} exited with {}", executor_->containers()[index].spec->name, exit->exit_code);
        executor_->on_container_exit(index, *exit);
      }
      return;
    case Tag::Stdout: return runtime_.drain(index, false);
    case Tag::Stderr: return runtime_.drain(index, true);
    case Tag::Handler:
      if (auto done = runtime_.advance_handler(index))
        executor_->on_handler_done(index / kHandlerKinds, done->first, done->second);
      return;
    case Tag::Config: return on_config_sources_changed();
    case Tag::Pull:
      if (auto result = runtime_.reap_pull(index)) executor_->on_pull_done(index, *result);
      return;
  }
}

Status Supervisor::write_status_document() {
  plan::PodStatus status =
      binding_ ? executor_->status(runtime_.host_ip(), runtime_.record().pod_ip, start_time_) : waiting_status();
  nlohmann::json doc{{"status", to_json(status)}, {"runtime", runtime_.describe(executor_->applied_spec_hash())}};
  if (binding_) doc["binding"] = to_json(*binding_);
  std::string text = json_text(doc, 2) + "\n";
  if (text == last_status_) return {};
  PODCTL_TRY(write_runtime_file(runtime_.paths().status(), text));
  last_status_ = text;
  return {};
}

void Supervisor::write_status() {
  if (auto st = write_status_document(); !st) spdlog::error("write status: {}", st.error().message);
}

// No exception may leave the loop: the pod's containers would run on unsupervised. Whatever a
// step throws (text or JSON from a container or an image that was not what it should be) is
// logged and recorded as an event, and the loop goes on with the next event.
void Supervisor::guarded(const char* step, const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", step, e.what());
    try {
      runtime_.record_event(EventType::Warning, "SupervisorError", std::string(step) + ": " + e.what(), "");
    } catch (const std::exception&) {
    }
  }
}

void Supervisor::after_events() {
  if (binding_ && !executor_->done()) guarded("reconcile", [&] { executor_->reconcile(); });
  guarded("arm the timer", [&] {
    std::optional<Millis> wake = executor_->next_wake();
    if (!binding_)
      wake = placement_ && placement_->placement == plan::Placement::Unschedulable
                 ? std::optional<Millis>(monotonic_ms() + kPlacementRetryMs)
                 : std::nullopt;
    if (auto st = arm_timer(wake); !st) spdlog::error("{}", st.error().message);
  });
  guarded("write the status", [&] { write_status(); });
  // A supervisor lives as long as its pod and mostly sleeps: what a start or a restart allocated
  // (specs, JSON, the seccomp program) goes back to the kernel instead of staying in the heap,
  // about 1 MiB per pod.
  ::malloc_trim(0);
}

int Supervisor::run() {
  // The report fd came through dup2, which clears close-on-exec: the pod's processes must not
  // inherit it, or the CLI waiting for EOF would wait for them.
  if (opt_.report_fd >= 0 && ::fcntl(opt_.report_fd, F_SETFD, FD_CLOEXEC) != 0) {
    std::fprintf(stderr, "podctl-supervisor: report fd: %s\n", std::strerror(errno));
    return 1;
  }
  if (auto st = start(); !st) {
    report("error: " + st.error().message + "\n");
    return 1;
  }
  after_events();
  report("ok\n");
  epoll_event events[16];
  while (!finished()) {
    int n = ::epoll_wait(watcher_.fd(), events, 16, -1);
    if (n < 0 && errno != EINTR) {
      spdlog::error("epoll_wait: {}", std::strerror(errno));
      break;
    }
    // Output alone changes neither the plan nor the status: only other events lead to a re-plan.
    bool state_changed = false;
    for (int i = 0; i < n && !finished(); ++i) {
      Tag kind = tag_kind(events[i].data.u64);
      state_changed |= kind != Tag::Stdout && kind != Tag::Stderr;
      guarded("handle an event", [&] { dispatch(kind, tag_index(events[i].data.u64)); });
    }
    if (state_changed) after_events();
  }
  write_status();
  return 0;
}

}  // namespace
}  // namespace podctl::supervisor

namespace podctl {

int run_supervisor(const SupervisorOptions& options) {
  supervisor::Supervisor s(options);
  return s.run();
}

}  // namespace podctl
