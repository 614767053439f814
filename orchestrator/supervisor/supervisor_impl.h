// podctl - the supervisor's state, shared by its parts: the event loop and container starts
// (supervisor.cc), probes and hooks (supervisor_checks.cc), graceful stops and pod termination
// (supervisor_stop.cc), and status.json (supervisor_status.cc).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "manifests/pod_spec.h"
#include "orchestrator/plan/pod_plan.h"
#include "orchestrator/plan/probe_worker.h"
#include "orchestrator/cgroup/cgroup_limits.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/container/container_exec.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/container/handler_run.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/logs/log_writer.h"
#include "orchestrator/container/pod_facts.h"
#include "orchestrator/supervisor/supervisor.h"
#include "orchestrator/store/pod_record.h"

namespace podctl::supervisor {

using nlohmann::json;
using plan::ContainerState;
using plan::Millis;

Millis monotonic_ms();

enum Tag : uint64_t {
  kSignal = 1, kTimer = 2, kPause = 3, kExit = 4, kStdout = 5, kStderr = 6, kHandler = 7, kConfig = 8, kPull = 9
};
inline uint64_t tag(Tag kind, size_t index = 0) { return (static_cast<uint64_t>(kind) << 32) | index; }

// The actions a container can have in flight at once; a kHandler tag's index is slot × kRunCount + run.
enum Run : size_t { kStartupRun, kLivenessRun, kReadinessRun, kPostStartRun, kPreStopRun, kRunCount };

enum class StopPhase { None, PreStop, Signalled };

struct Slot {
  size_t index = 0;                        // init containers first, then app containers (the planner's order)
  bool is_init = false;
  bool is_sidecar = false;
  const manifest::Container* spec = nullptr;
  ChildProcess proc;
  uint64_t proc_start_time = 0;
  UniqueFd out, err;
  LogWriter log;
  plan::ObservedContainer observed;
  int starts = 0;
  std::string container_id;
  std::string started_at;
  json state = json{{"waiting", {{"reason", "ContainerCreating"}}}};
  json last_state = json::object();
  std::string cgroup;
  uint64_t oom_kills_at_start = 0;  // the memory cgroup's oom_kill count: a rise means OOMKilled
  bool restart_pending = false;  // killed because its spec changed: start it afresh once it exits
  bool waiting_for_config = false;  // held by a config or mount error: retried when ConfigMaps or Secrets change

  // Its image: a pull in flight, and how the last one went.
  ChildProcess pull;
  UniqueFd pull_output;
  Millis pull_started = 0;
  bool pull_failed = false;            // waits in ImagePullBackOff rather than CrashLoopBackOff
  bool image_pulled_for_start = false; // pulled for the start under way (imagePullPolicy: Always)

  // Probes and hooks of the current run of the container.
  std::optional<ExecTarget> exec_target;  // read from /proc when an exec probe or hook first needs it
  std::string working_dir;                // of this run, for exec probes and hooks
  std::vector<sock_filter> seccomp;       // of this run, for exec probes and hooks
  enum class DeviceRules { kNone, kDefault, kPrivileged };
  DeviceRules device_rules = DeviceRules::kNone;  // what the container's cgroups enforce now
  std::string devices_v1;                 // its v1 devices cgroup, joined at every start
  std::vector<plan::ProbeWorker> probes;
  std::array<std::optional<HandlerRun>, kRunCount> runs;
  bool post_start_done = false;

  // A graceful stop: preStop hook, then SIGTERM, then SIGKILL at kill_at.
  StopPhase stop = StopPhase::None;
  Millis grace_end = 0;
  Millis kill_at = 0;

  bool running() const { return observed.state == ContainerState::Running; }
  const plan::ProbeWorker* probe(plan::ProbeKind kind) const;
  bool started() const;  // running, postStart done, startup probe passed
  bool ready() const;    // started and its readiness probe passed
};

class Supervisor {
 public:
  explicit Supervisor(const SupervisorOptions& o) : opt_(o) {}
  int run();

 private:
  // supervisor.cc: loading, the sandbox, the loop, planning, starts and exits.
  Status load();
  Result<manifest::Pod> read_spec() const;
  void load_images();
  void bind_slots_to_spec();
  void reload_spec();
  Status setup_process();
  Status create_sandbox();
  Status publish_host_ports();
  void report(const std::string& line);
  void reconcile();
  bool apply_plan(const plan::PodPlan& p);  // whether to plan again at once
  void hold_in_backoff(Slot& s);
  void start_slot(Slot& s);
  void hold_for_config(Slot& s, const std::string& reason, const std::string& event_reason,
                       const std::string& event_message, const std::string& message);
  void watch_config_sources();
  // supervisor_pull.cc
  bool image_ready(Slot& s);
  void start_pull(Slot& s);
  void on_pull_exit(Slot& s);
  void on_pull_failed(Slot& s, const std::string& message);
  void on_config_sources_changed();
  void record_start_failure(Slot& s, const std::string& reason, const std::string& message);
  void on_container_exit(Slot& s);
  void end_run(Slot& s);
  void on_pause_exit();
  void on_signals();
  void reap_strangers();
  void on_timer();
  void drain(Slot& s, bool is_stderr);
  void dispatch(Tag kind, size_t index);
  void guarded(const char* step, const std::function<void()>& body);
  void arm_timer(std::optional<Millis> at);
  void watch(int fd, uint64_t data, uint32_t events = 0);
  void unwatch(int fd);
  std::string container_ref(const Slot& s) const {
    return std::string(s.is_init ? "spec.initContainers{" : "spec.containers{") + s.spec->name + "}";
  }
  std::string pod_ref() const;
  bool any_running() const;
  plan::ObservedPod observe() const;

  // supervisor_checks.cc: probes and lifecycle hooks.
  void begin_checks(Slot& s);
  void run_due_probes(Millis now);
  bool start_run(Slot& s, Run which, const manifest::Handler& handler, std::optional<Millis> deadline);
  const ExecTarget* exec_target(Slot& s);
  void cancel_runs(Slot& s);
  void on_handler_ready(size_t tag_index);
  void expire_runs(Millis now);
  void finish_run(Slot& s, Run which, const HandlerOutcome& outcome);
  void on_probe_outcome(Slot& s, plan::ProbeKind kind, const HandlerOutcome& outcome);
  void on_post_start_done(Slot& s, const HandlerOutcome& outcome);
  std::optional<Millis> next_check(std::optional<Millis> wake_at) const;

  // supervisor_stop.cc: graceful stops, pod termination, sidecars last and in reverse order.
  void stop_container(Slot& s, Millis grace_ms, const std::string& message);
  void signal_container(Slot& s, Millis grace_ms);
  void on_pre_stop_done(Slot& s, const HandlerOutcome& outcome);
  void kill_overdue(Millis now);
  void begin_termination();
  void begin_sidecar_shutdown();
  void advance_shutdown(Millis now);
  void finish_termination();
  std::optional<Millis> next_stop_deadline(std::optional<Millis> wake_at) const;

  // supervisor_status.cc
  json build_status();
  void write_status();

  SupervisorOptions opt_;
  PodPaths paths_;
  PodRecord record_;
  manifest::Pod pod_;
  NetworkConfig net_;
  std::map<std::string, Image> images_;
  EventLog events_;
  PodFacts facts_;
  std::vector<Slot> slots_;
  ChildProcess pause_;
  uint64_t pause_start_time_ = 0;
  UniqueFd pause_net_, pause_ipc_, pause_uts_, pause_pid_ns_;  // opened once per sandbox
  bool sandbox_ready_ = false;
  bool initialized_once_ = false;
  std::string start_time_;
  UniqueFd epoll_, signal_fd_, timer_fd_;
  UniqueFd config_watch_;  // inotify on the namespace's ConfigMaps and Secrets
  std::vector<UniqueFd> host_port_holders_;  // the pod's hostPorts, held for its life
  ControllerLayout cgroup_layout_;
  int64_t machine_memory_ = 0;
  bool terminating_ = false;
  // Pod termination or the end of the sidecars once the regular containers are done.
  bool shutting_down_ = false;
  Millis shutdown_deadline_ = 0;
  Millis shutdown_grace_ms_ = 0;
  bool done_ = false;
  std::string last_status_;
  std::string applied_spec_hash_;  // reported once every container runs the current spec
  std::map<std::string, std::pair<std::string, std::string>> conditions_;  // type → (status, since)
};

inline std::optional<Millis> earliest(std::optional<Millis> a, Millis b) { return a ? std::min(*a, b) : b; }

}  // namespace podctl::supervisor
