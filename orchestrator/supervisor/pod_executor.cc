// The executor's core: observe → plan → execute, container starts and exits, and the sandbox.
#include "orchestrator/supervisor/pod_executor.h"

#include "manifests/serialize.h"

namespace podctl::supervisor {

using plan::RunState;
using plan::TerminatedReason;
using plan::WaitingReason;

const plan::ProbeWorker* ContainerRecord::probe(plan::ProbeKind kind) const {
  for (const auto& w : probes)
    if (w.kind() == kind) return &w;
  return nullptr;
}

bool ContainerRecord::started() const {
  if (!running() || !post_start_done) return false;
  const auto* startup = probe(plan::ProbeKind::Startup);
  return !startup || startup->result() == plan::ProbeResult::Success;
}

bool ContainerRecord::ready() const {
  if (!started()) return false;
  const auto* readiness = probe(plan::ProbeKind::Readiness);
  return !readiness || readiness->result() == plan::ProbeResult::Success;
}

PodExecutor::PodExecutor(PodRuntime& runtime, const manifest::Pod& pod, ExecutorOptions options)
    : runtime_(runtime),
      pod_(pod),
      opt_(std::move(options)),
      spec_hash_(manifest::pod_hash(pod_)),
      applied_spec_hash_(spec_hash_) {
  const bool has_init = !pod_.spec.init_containers.empty();
  for (const auto* list : {&pod_.spec.init_containers, &pod_.spec.containers})
    for (const auto& spec : *list) {
      ContainerRecord c;
      c.index = containers_.size();
      c.is_init = list == &pod_.spec.init_containers;
      c.is_sidecar = c.is_init && manifest::is_restartable(spec);
      // The kubelet shows every container as PodInitializing until the init containers are done.
      c.state = plan::WaitingState{has_init ? WaitingReason::PodInitializing : WaitingReason::ContainerCreating, ""};
      containers_.push_back(std::move(c));
    }
  bind_specs();
  // The images already stored (their IDs show in the status at once); a missing one is pulled
  // when its container starts.
  for (const auto& c : containers_)
    if (auto image = runtime_.find_image(c.spec->image)) images_[c.spec->image] = *image;
}

// Records point into pod_: after pod_ is replaced they must point into the new one.
void PodExecutor::bind_specs() {
  const size_t init_count = pod_.spec.init_containers.size();
  for (auto& c : containers_)
    c.spec = c.index < init_count ? &pod_.spec.init_containers[c.index] : &pod_.spec.containers[c.index - init_count];
}

Status PodExecutor::create_sandbox() {
  auto st = runtime_.create_sandbox();
  if (!st) {
    event(EventType::Warning, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + st.error().message);
    return st;
  }
  sandbox_ = plan::SandboxState::Ready;
  return {};
}

plan::ObservedPod PodExecutor::observe() const {
  plan::ObservedPod observed;
  observed.sandbox = sandbox_;
  observed.initialized_once = initialized_once_;
  observed.shutdown = shutdown_;
  observed.deleted = terminating_ && done_;
  for (const auto& c : containers_) {
    plan::ObservedContainer o = c.observed;
    o.started = c.started();
    o.create_error = c.waiting_for_config;
    if (const auto* w = c.probe(plan::ProbeKind::Startup)) o.startup = w->result();
    if (const auto* w = c.probe(plan::ProbeKind::Liveness)) o.liveness = w->result();
    observed.containers.push_back(o);
  }
  return observed;
}

void PodExecutor::reconcile() {
  if (done_) return;
  const Millis now = runtime_.now();
  const bool active = !shutdown_ && sandbox_ == plan::SandboxState::Ready;
  if (active) run_due_probes(now);
  plan::ObservedPod observed = observe();
  if (active && plan::initialized(pod_.spec, observed)) initialized_once_ = observed.initialized_once = true;
  plan::PodPlan p = plan::plan_pod(pod_.spec, observed, opt_.backoff, now);
  if (apply_plan(p)) return reconcile();
  if (p.spec_applied) applied_spec_hash_ = spec_hash_;
  next_wake_ = done_ ? std::nullopt : next_check(p.wake_at);
}

bool PodExecutor::apply_plan(const plan::PodPlan& p) {
  if (p.sandbox != plan::SandboxAction::Keep) {
    handle_sandbox(p.sandbox);
    return sandbox_ == plan::SandboxState::Ready;
  }
  for (const auto& [i, k] : p.kill) kill(containers_[i], k);
  for (const auto& [i, grace] : p.signal) send_stop_signal(containers_[i], grace);
  for (size_t i : p.force_kill) {
    // The process may have exited already: its exit is on the way to the loop.
    (void)runtime_.signal(i, StopSignal::Kill);
    containers_[i].observed.stop = plan::StopPhase::Signalled;  // also one SIGKILLed in its preStop hook
    containers_[i].observed.kill_at = plan::kNoDeadline;
  }
  for (const auto& [i, at] : p.kill_at) containers_[i].observed.kill_at = std::min(containers_[i].observed.kill_at, at);
  for (size_t i : p.forget_backoff) containers_[i].observed.backoff.reset();
  for (const auto& [i, entry] : p.backoff_updates) containers_[i].observed.backoff = entry;
  // Worth planning again at once: a start that failed on the spot, or one that counts as
  // started already (the next init container may go). A start waiting for its image is neither.
  // The containers of one plan set themselves up side by side: all are begun, then finished in order.
  std::vector<ContainerRecord*> begun;
  for (size_t i : p.start)
    if (begin_start(containers_[i])) begun.push_back(&containers_[i]);
  for (ContainerRecord* c : begun) finish_start(*c);
  bool replan = false;
  for (size_t i : p.start) {
    const ContainerRecord& c = containers_[i];
    replan |= c.observed.state == RunState::Exited || c.started() || c.observed.post_start_failed;
  }
  for (const auto& [i, until] : p.back_off_until) hold_in_backoff(containers_[i]);
  if (p.stop_sidecars && !shutdown_) {
    const Millis grace = pod_.spec.termination_grace_period_seconds * 1000;
    shutdown_ = plan::Shutdown{false, grace, runtime_.now() + grace};
    replan = true;
  }
  if (p.shutdown_complete && shutdown_) {
    if (!shutdown_->pod_deleted) {
      shutdown_.reset();
    } else {
      if (auto st = runtime_.teardown_sandbox(); !st)
        event(EventType::Warning, "FailedKillPod", "error killing pod: " + st.error().message);
      sandbox_ = plan::SandboxState::Gone;
      done_ = true;
    }
  }
  // New stops set deadlines the plan must wake for; and a preStop hook that could not even start
  // is followed by the stop signal at once.
  replan |= !p.kill.empty() || !p.signal.empty() || !p.kill_at.empty();
  for (const auto& c : containers_) replan |= c.running() && c.observed.stop == plan::StopPhase::PreStopDone;
  return replan && !done_;
}

// SandboxChanged: everything in the old sandbox goes; a new one is made if the planner says so.
void PodExecutor::handle_sandbox(plan::SandboxAction action) {
  event(EventType::Normal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
  for (auto& c : containers_) {
    if (!c.running()) continue;
    ContainerExit exit = runtime_.kill_now(c.index);
    on_container_exit(c.index, exit);
  }
  if (auto st = runtime_.teardown_sandbox(); !st)
    event(EventType::Warning, "FailedKillPod", "error killing pod: " + st.error().message);
  sandbox_ = plan::SandboxState::Gone;
  shutdown_.reset();  // the sidecars' end, if it was under way: nothing runs any more
  if (action == plan::SandboxAction::Abandon) return;
  // A new sandbox starts from the initial state: every init container runs again (kubelet).
  initialized_once_ = false;
  for (auto& c : containers_)
    if (c.is_init) {
      int starts = c.observed.starts;
      c.observed = {};
      c.observed.starts = starts;
    }
  (void)create_sandbox();  // a failure is an event, and the pod waits without a sandbox
}

void PodExecutor::start(ContainerRecord& c) {
  if (begin_start(c)) finish_start(c);
}

// Prepares and clones; false when the start ended here (its failure recorded).
bool PodExecutor::begin_start(ContainerRecord& c) {
  if (!image_ready(c)) return false;
  c.waiting_for_config = false;
  const Image& image = images_[c.spec->image];
  if (c.observed.starts > 0)
    if (const auto* t = std::get_if<plan::TerminatedState>(&c.state)) c.last_state = *t;
  auto begun = runtime_.begin_container(c.index, pod_, image, c.observed.starts);
  if (begun) return true;
  if (begun.error().kind != StartFailureKind::Exec) {
    on_start_failed(c, begun.error());
    return false;
  }
  count_created(c);
  record_start_failure(c, begun.error().message);
  return false;
}

void PodExecutor::finish_start(ContainerRecord& c) {
  auto started = runtime_.finish_container(c.index);
  count_created(c);
  if (!started) return record_start_failure(c, started.error().message);
  c.container_id = *started;
  c.observed.state = RunState::Running;
  c.observed.outdated = false;
  c.observed.post_start_failed = false;
  c.observed.stopped_for = plan::KillReason::None;
  c.started_at = runtime_.wall_clock();
  event(EventType::Normal, "Started", "Started container " + c.spec->name, &c);
  begin_checks(c);
}

// The container exists for the kubelet once created, whether or not its command could run.
void PodExecutor::count_created(ContainerRecord& c) {
  if (c.observed.starts == 0)
    event(EventType::Normal, "Pulled", "Container image \"" + c.spec->image + "\" already present on machine", &c);
  event(EventType::Normal, "Created", "Created container " + c.spec->name, &c);
  ++c.observed.starts;
}

void PodExecutor::on_start_failed(ContainerRecord& c, const StartFailure& failure) {
  const std::string& m = failure.message;
  switch (failure.kind) {
    case StartFailureKind::Config:
      return hold_for_config(c, WaitingReason::CreateContainerConfigError, "Failed", "Error: " + m, m);
    case StartFailureKind::Create:
      return hold_for_config(c, WaitingReason::CreateContainerError, "Failed", "Error: " + m, m);
    case StartFailureKind::Mount: return hold_for_config(c, WaitingReason::ContainerCreating, "FailedMount", m, "");
    case StartFailureKind::Setup:
    case StartFailureKind::Exec: return record_start_failure(c, m);
  }
}

void PodExecutor::record_start_failure(ContainerRecord& c, const std::string& message) {
  c.observed.state = RunState::Exited;
  c.observed.exit_code = 128;
  c.observed.finished_at = runtime_.now();
  std::string now = runtime_.wall_clock();
  c.state = plan::TerminatedState{128, TerminatedReason::StartError, message, now, now, ""};
  event(EventType::Warning, "Failed", "Error: " + message, &c);
}

// The kubelet reports configuration and mount errors as Waiting, not as a terminated run; the
// container is tried again (with backoff, or at once when a ConfigMap or Secret changes).
void PodExecutor::hold_for_config(ContainerRecord& c, WaitingReason reason, const std::string& event_reason,
                                  const std::string& event_message, const std::string& message) {
  c.observed.state = RunState::Exited;
  c.observed.exit_code = 128;
  c.observed.finished_at = runtime_.now();
  c.waiting_for_config = true;
  c.state = plan::WaitingState{reason, message};
  event(EventType::Warning, event_reason, event_message, &c);
}

void PodExecutor::hold_in_backoff(ContainerRecord& c) {
  if (c.pull_failed) {
    if (plan::is_waiting(c.state, WaitingReason::ImagePullBackOff)) return;
    std::string msg = "Back-off pulling image \"" + c.spec->image + "\"";
    c.state = plan::WaitingState{WaitingReason::ImagePullBackOff, msg};
    event(EventType::Normal, "BackOff", msg, &c);
    return;
  }
  if (c.waiting_for_config) return;  // it keeps saying why it waits
  if (plan::is_waiting(c.state, WaitingReason::CrashLoopBackOff)) return;
  if (const auto* t = std::get_if<plan::TerminatedState>(&c.state)) c.last_state = *t;
  std::string msg = "back-off " + std::to_string(c.observed.backoff->delay / 1000) +
                    "s restarting failed container=" + c.spec->name + " pod=" + pod_ref();
  c.state = plan::WaitingState{WaitingReason::CrashLoopBackOff, msg};
  event(EventType::Warning, "BackOff", "Back-off restarting failed container " + c.spec->name + " in pod " + pod_ref(),
        &c);
}

void PodExecutor::on_container_exit(size_t i, const ContainerExit& exit) {
  ContainerRecord& c = containers_[i];
  if (!c.running()) return;
  cancel_handlers(c);
  c.probes.clear();
  c.observed.stop = plan::StopPhase::None;
  c.observed.kill_at = plan::kNoDeadline;
  c.observed.state = RunState::Exited;
  c.observed.exit_code = exit.exit_code;
  c.observed.finished_at = runtime_.now();
  auto reason = exit.oom_killed       ? TerminatedReason::OOMKilled
                : exit.exit_code == 0 ? TerminatedReason::Completed
                                      : TerminatedReason::Error;
  c.state = plan::TerminatedState{
      exit.exit_code, reason, exit.message, c.started_at, runtime_.wall_clock(), "podctl://" + c.container_id};
}

void PodExecutor::on_sandbox_lost() {
  if (sandbox_ != plan::SandboxState::Ready) return;
  sandbox_ = terminating_ ? plan::SandboxState::Gone : plan::SandboxState::Lost;
}

// A ConfigMap or Secret of the namespace was applied or deleted: containers that waited for one
// try again at once.
void PodExecutor::on_config_sources_changed() {
  for (auto& c : containers_)
    if (c.waiting_for_config && c.observed.state == RunState::Exited) c.observed.backoff.reset();
}

// As the kubelet does when a container's hash changes, each changed running container is stopped
// and started afresh (the planner's SpecChanged); one that is not running is left to the policy.
void PodExecutor::on_spec_changed(manifest::Pod next) {
  if (manifest::pod_level_hash(next) != manifest::pod_level_hash(pod_)) {
    event(EventType::Warning, "FailedUpdate", "Pod-level fields changed: the pod must be replaced, not updated");
    return;
  }
  std::vector<std::string> old_hashes;
  for (const auto& c : pod_.spec.containers) old_hashes.push_back(manifest::container_hash(c));
  pod_ = std::move(next);
  spec_hash_ = manifest::pod_hash(pod_);
  bind_specs();
  const size_t init_count = pod_.spec.init_containers.size();
  for (size_t k = 0; k < pod_.spec.containers.size(); ++k)
    if (manifest::container_hash(pod_.spec.containers[k]) != old_hashes[k])
      containers_[init_count + k].observed.outdated = true;
}

void PodExecutor::on_terminate(std::optional<int64_t> grace_seconds) {
  int64_t grace = grace_seconds.value_or(pod_.spec.termination_grace_period_seconds);
  // The kubelet never waits less than 2 s (minimumGracePeriodInSeconds); 0 means kill now.
  Millis grace_ms = grace == 0 ? 0 : std::max<Millis>(grace * 1000, plan::kMinimumGraceMs);
  Millis deadline = runtime_.now() + grace_ms;
  if (terminating_) {
    // A second delete may only shorten the termination under way, as the API server's
    // deletionGracePeriodSeconds only ever decreases; 0 kills at once.
    if (!shutdown_) return;  // everything has stopped already
    if (grace_ms != 0 && deadline >= shutdown_->deadline) return;
    deadline = std::min(deadline, shutdown_->deadline);
  }
  terminating_ = true;
  shutdown_ = plan::Shutdown{true, grace_ms, deadline};
}

void PodExecutor::event(EventType type, const std::string& reason, const std::string& message,
                        const ContainerRecord* c) {
  runtime_.record_event(type, reason, message, c ? container_ref(*c) : "");
}

std::string PodExecutor::container_ref(const ContainerRecord& c) const {
  return std::string(c.is_init ? "spec.initContainers{" : "spec.containers{") + c.spec->name + "}";
}

std::string PodExecutor::pod_ref() const {
  return pod_.metadata.name + "_" + pod_.metadata.namespace_ + "(" + opt_.pod_uid + ")";
}

const Image* PodExecutor::image_of(const ContainerRecord& c) const {
  auto it = images_.find(c.spec->image);
  return it == images_.end() ? nullptr : &it->second;
}

}  // namespace podctl::supervisor
