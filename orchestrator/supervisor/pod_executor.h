// podctl - the pod executor: it keeps the typed state of a pod's containers, turns it into the
// planner's observation, runs plan_pod and carries the plan out through a PodRuntime. Events
// come in through its on_* methods (from the event loop, or from a test); every decision about
// what happens next is the planner's. Nothing here touches the machine but through the runtime.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/pod_spec.h"
#include "orchestrator/plan/container_status.h"
#include "orchestrator/plan/pod_plan.h"
#include "orchestrator/plan/probe_worker.h"
#include "orchestrator/supervisor/pod_runtime.h"

namespace podctl::supervisor {

// One container as the executor knows it.
struct ContainerRecord {
  size_t index = 0;  // init containers first, then app containers (the planner's order)
  bool is_init = false;
  bool is_sidecar = false;
  const manifest::Container* spec = nullptr;
  std::string run_hash;  // container_hash of the spec its current or last run started from
  plan::ObservedContainer observed;
  std::string container_id, started_at;
  plan::ContainerState state;
  std::optional<plan::TerminatedState> last_state;
  bool waiting_for_config = false;  // held by a config or mount error: retried when ConfigMaps or Secrets change
  bool pulling = false;
  bool pull_failed = false;             // waits in ImagePullBackOff rather than CrashLoopBackOff
  bool image_pulled_for_start = false;  // pulled for the start under way (imagePullPolicy: Always)
  Millis pull_started = 0;
  std::vector<plan::ProbeWorker> probes;
  std::array<std::optional<Millis>, kHandlerKinds> handler_deadline;  // of the runs in flight
  std::array<bool, kHandlerKinds> handler_running{};
  bool post_start_done = false;

  bool running() const { return observed.state == plan::RunState::Running; }
  bool stopping() const { return observed.stop != plan::StopPhase::None; }
  const plan::ProbeWorker* probe(plan::ProbeKind kind) const;
  bool started() const;  // running, postStart done, startup probe passed
  bool ready() const;    // started and its readiness probe passed
};

struct ExecutorOptions {
  plan::BackoffPolicy backoff;
  std::string pod_uid;  // for kubelet-worded messages: "web_default(uid)"
};

class PodExecutor {
 public:
  PodExecutor(PodRuntime& runtime, const manifest::Pod& pod, ExecutorOptions options);

  // The first sandbox; a failure is reported as FailedCreatePodSandBox and returned.
  Status create_sandbox();
  // Observe, plan, carry the plan out; again at once when a start changed the picture.
  void reconcile();
  // When reconcile wants to run next (a backoff end, a probe, a deadline), if ever.
  std::optional<Millis> next_wake() const { return next_wake_; }

  void on_container_exit(size_t i, const ContainerExit& exit);
  void on_handler_done(size_t i, HandlerKind kind, const HandlerOutcome& outcome);
  void on_pull_done(size_t i, const Status& result);
  void on_sandbox_lost();
  void on_config_sources_changed();
  // A new spec from apply: only container fields may differ (else FailedUpdate).
  void on_spec_changed(manifest::Pod next);
  // A delete: grace period in seconds (none: the pod's own).
  void on_terminate(std::optional<int64_t> grace_seconds);
  // The timer fired: handler runs past their deadline end.
  void on_timer();

  bool done() const { return done_; }
  bool sandbox_ready() const { return sandbox_ == plan::SandboxState::Ready; }
  const manifest::Pod& pod() const { return pod_; }
  const std::vector<ContainerRecord>& containers() const { return containers_; }
  const std::string& applied_spec_hash() const { return applied_spec_hash_; }
  plan::ObservedPod observe() const;
  plan::PodStatus status(const std::string& host_ip, const std::string& pod_ip, const std::string& start_time);
  const Image* image_of(const ContainerRecord& c) const;

 private:
  // pod_executor.cc: plans and their execution, starts, exits, the sandbox.
  bool apply_plan(const plan::PodPlan& p);
  void handle_sandbox(plan::SandboxAction action);
  void start(ContainerRecord& c);
  bool begin_start(ContainerRecord& c);
  void finish_start(ContainerRecord& c);
  void count_created(ContainerRecord& c);
  void on_start_failed(ContainerRecord& c, const StartFailure& failure);
  void record_start_failure(ContainerRecord& c, const std::string& message);
  void hold_for_config(ContainerRecord& c, plan::WaitingReason reason, const std::string& event_reason,
                       const std::string& event_message, const std::string& message);
  void hold_in_backoff(ContainerRecord& c);
  void mark_exited(ContainerRecord& c, int code, plan::TerminatedReason reason);
  void bind_specs();

  // executor_stop.cc: graceful stops.
  void kill(ContainerRecord& c, const plan::ContainerKill& k);
  void send_stop_signal(ContainerRecord& c, Millis grace_ms);
  void on_pre_stop_done(ContainerRecord& c, const HandlerOutcome& outcome);

  // executor_checks.cc: probes and lifecycle hooks.
  void begin_checks(ContainerRecord& c);
  void run_due_probes(Millis now);
  void run_handler(ContainerRecord& c, HandlerKind kind, const manifest::Handler& handler,
                   std::optional<Millis> deadline);
  void cancel_handlers(ContainerRecord& c);
  void on_probe_outcome(ContainerRecord& c, plan::ProbeKind kind, const HandlerOutcome& outcome);
  void on_post_start_done(ContainerRecord& c, const HandlerOutcome& outcome);
  std::optional<Millis> next_check(std::optional<Millis> wake_at) const;

  // executor_images.cc: the image of a start, by pull policy.
  bool image_ready(ContainerRecord& c);
  void start_pull(ContainerRecord& c);
  void on_pull_failed(ContainerRecord& c, const std::string& message);

  void event(EventType type, const std::string& reason, const std::string& message, const ContainerRecord* c = nullptr);
  std::string container_ref(const ContainerRecord& c) const;
  std::string pod_ref() const;

  PodRuntime& runtime_;
  manifest::Pod pod_;
  ExecutorOptions opt_;
  std::vector<ContainerRecord> containers_;
  std::map<std::string, Image> images_;
  plan::SandboxState sandbox_ = plan::SandboxState::Gone;
  bool initialized_once_ = false;
  std::optional<plan::Shutdown> shutdown_;
  bool terminating_ = false;
  bool done_ = false;
  std::optional<Millis> next_wake_;
  std::string spec_hash_;          // of pod_, computed when it changes (not on every reconcile)
  std::string applied_spec_hash_;  // reported once every container runs the current spec
  std::map<plan::ConditionType, std::pair<bool, std::string>> conditions_;  // status, since
};

}  // namespace podctl::supervisor
