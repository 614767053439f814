// podctl - the PodRuntime of a real machine: the pause process and its namespaces, containers
// cloned into them with their cgroups, log pipes and seccomp filters, probes and hooks as
// HandlerRuns, pulls as `podctl image pull` children. Every process and fd it starts is
// registered with the EventWatcher; the loop hands their readiness back through reap_* and
// advance_handler, which turn it into what the executor is told.
#pragma once

#include <linux/filter.h>

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "orchestrator/cgroup/cgroup_limits.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_config.h"
#include "orchestrator/container/container_exec.h"
#include "orchestrator/container/handler_run.h"
#include "orchestrator/container/container_launch.h"
#include "orchestrator/container/pod_facts.h"
#include "orchestrator/container/pod_volumes.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/logs/log_writer.h"
#include "orchestrator/store/pod_record.h"
#include "orchestrator/supervisor/event_watcher.h"
#include "orchestrator/supervisor/pod_runtime.h"
#include "orchestrator/supervisor/supervisor.h"

namespace podctl::supervisor {

Millis monotonic_ms();

// What the runtime holds for one container: its process and everything that lives with it.
struct ContainerProcess {
  std::string name, cgroup;
  ChildProcess proc;
  uint64_t proc_start_time = 0;
  std::string container_id;
  int run = 0;          // names its log file
  // The host side of the run's terminationMessagePath, and how its message is read at the end.
  std::string termination_log, termination_policy;
  int stop_signal = 0;  // the image's StopSignal
  UniqueFd out, err;
  LogWriter log;
  uint64_t oom_kills_at_start = 0;  // the memory cgroup's oom_kill count: a rise means OOMKilled
  // For exec probes and hooks: read from /proc when one first needs it; the run's directory and filter.
  std::optional<ExecTarget> exec_target;
  std::string working_dir;
  std::vector<sock_filter> seccomp;
  enum class DeviceRules { kNone, kDefault, kPrivileged };
  DeviceRules device_rules = DeviceRules::kNone;  // what the container's cgroups enforce now
  std::string devices_v1;                         // its v1 devices cgroup, joined at every start
  std::array<std::optional<HandlerRun>, kHandlerKinds> runs;
  ChildProcess pull;
  UniqueFd pull_output;
  std::optional<PendingContainer> pending;  // begun, not yet exec'd
  int oom_score_adj = 0;                    // set once the process is known
};

class LinuxPodRuntime final : public PodRuntime {
 public:
  LinuxPodRuntime(const SupervisorOptions& options, EventWatcher& watcher) : opt_(options), watcher_(watcher) {}

  // The pod's record, network and cgroup layout, and one ContainerProcess per container.
  Status load(const manifest::Pod& pod);
  // The pod's /dev/shm, hosts files and published ports, before the sandbox.
  Status prepare(const manifest::Pod& pod);
  Result<manifest::Pod> read_spec() const;
  std::optional<int64_t> requested_grace_period() const;  // from the delete's stop request
  void refresh_volumes(const manifest::Pod& pod);

  // Readiness reported by the loop, turned into what the executor is told.
  std::optional<ContainerExit> reap_container(size_t i);
  std::optional<std::pair<HandlerKind, HandlerOutcome>> advance_handler(size_t tag_index);
  std::optional<Status> reap_pull(size_t i);
  bool reap_pause();
  void drain(size_t i, bool is_stderr);
  void reap_strangers();  // orphans handed to us as sub-reaper

  // status.json's "runtime" member: what podctl needs to find the pod's processes again.
  nlohmann::json describe(const std::string& applied_spec_hash) const;
  const PodRecord& record() const { return record_; }
  const PodPaths& paths() const { return paths_; }
  std::string host_ip() const;

  // PodRuntime
  Millis now() const override { return monotonic_ms(); }
  std::string wall_clock() const override;
  Status create_sandbox() override;
  Status teardown_sandbox() override;
  std::optional<Image> find_image(const std::string& reference) override;
  Status start_pull(size_t container, const std::string& reference) override;
std::expected<void, StartFailure> begin_container(size_t container, const manifest::Pod& pod, const Image& image,
                                                    int run) override;
  std::expected<std::string, StartFailure> finish_container(size_t container) override;
  Status signal(size_t container, StopSignal signal) override;
  ContainerExit kill_now(size_t container) override;
  Status run_handler(size_t container, const manifest::Container& spec, HandlerKind kind,
                     const manifest::Handler& handler, std::optional<Millis> deadline) override;
  HandlerOutcome expire_handler(size_t container, HandlerKind kind) override;
  void cancel_handlers(size_t container) override;
  void record_event(EventType type, const std::string& reason, const std::string& message,
                    const std::string& object) override;

 private:
  Status publish_host_ports(const manifest::Pod& pod);
  Result<VolumeBind> termination_log_bind(ContainerProcess& p, const manifest::Container& c, const std::string& dir);
  std::optional<StartFailure> prepare_start(ContainerProcess& p, const manifest::Pod& pod, const manifest::Container& c,
                                            ContainerConfig& cfg, std::vector<VolumeBind>& volumes);
  std::optional<StartFailure> open_log_pipes(ContainerProcess& p, const manifest::Container& c, UniqueFd& out_w,
                                             UniqueFd& err_w);
  Result<std::vector<std::string>> restrict_container_devices(ContainerProcess& p, int cgroup_fd, bool privileged);
  Status watch_process(size_t i);
  std::optional<int> reap_exited(ChildProcess& child);
  const ExecTarget* exec_target(ContainerProcess& p);
  ContainerExit end_run(size_t i, int exit_code);

  SupervisorOptions opt_;
  EventWatcher& watcher_;
  PodPaths paths_;
  PodRecord record_;
  NetworkConfig net_;
  EventLog events_;
  PodFacts facts_;
  ControllerLayout cgroup_layout_;
  int64_t machine_memory_ = 0;
  std::vector<ContainerProcess> containers_;
  ChildProcess pause_;
  uint64_t pause_start_time_ = 0;
  UniqueFd pause_net_, pause_ipc_, pause_uts_, pause_pid_ns_;  // opened once per sandbox
  bool share_pid_namespace_ = false;
  std::string hostname_;
  std::vector<UniqueFd> host_port_holders_;  // the pod's hostPorts, held for its life
};

}  // namespace podctl::supervisor
