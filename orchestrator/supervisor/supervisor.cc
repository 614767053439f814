#include "orchestrator/supervisor/supervisor.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "base/files.h"
#include "base/process_identity.h"
#include "manifests/load.h"
#include "manifests/serialize.h"
#include "netsetup/veth.h"
#include "orchestrator/plan/pod_plan.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/container_config.h"
#include "orchestrator/container/container_launch.h"
#include "orchestrator/logs/events.h"
#include "orchestrator/sandbox/host_ports.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/logs/log_files.h"
#include "orchestrator/logs/log_writer.h"
#include "orchestrator/sandbox/pod_files.h"
#include "orchestrator/sandbox/sandbox.h"
#include "orchestrator/supervisor/supervisor_impl.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"
#include "orchestrator/store/pod_record.h"

namespace podctl::supervisor {

Millis monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1'000'000;
}

namespace {

std::string random_container_id() {
  std::string a = new_uid() + new_uid();
  std::string hex;
  for (char c : a)
    if (c != '-') hex += c;
  return hex.substr(0, 64);
}

}  // namespace

const plan::ProbeWorker* Slot::probe(plan::ProbeKind kind) const {
  for (const auto& w : probes)
    if (w.kind() == kind) return &w;
  return nullptr;
}

bool Slot::started() const {
  if (!running() || !post_start_done) return false;
  const auto* startup = probe(plan::ProbeKind::Startup);
  return !startup || startup->result() == plan::ProbeResult::Success;
}

bool Slot::ready() const {
  if (!started()) return false;
  const auto* readiness = probe(plan::ProbeKind::Readiness);
  return !readiness || readiness->result() == plan::ProbeResult::Success;
}

Result<manifest::Pod> Supervisor::read_spec() const { return read_stored_spec(paths_, opt_.ns); }

// The images already stored; a missing one is pulled when its container starts.
void Supervisor::load_images() {
  ImageStore store(opt_.root.images_dir());
  for (const auto* list : {&pod_.spec.init_containers, &pod_.spec.containers})
    for (const auto& c : *list)
      if (auto image = store.find(c.image)) images_[c.image] = *image;
}

// Slots point into pod_: after pod_ is replaced they must point into the new one.
void Supervisor::bind_slots_to_spec() {
  size_t init_count = pod_.spec.init_containers.size();
  for (auto& s : slots_)
    s.spec = s.index < init_count ? &pod_.spec.init_containers[s.index] : &pod_.spec.containers[s.index - init_count];
}

Status Supervisor::load() {
  paths_.dir = opt_.root.pod_dir(opt_.ns, opt_.name);
  events_.path = paths_.events();
  PODCTL_ASSIGN_OR_RETURN(record_, read_pod_record(opt_.root, opt_.ns, opt_.name));
  PODCTL_ASSIGN_OR_RETURN(pod_, read_spec());
  applied_spec_hash_ = manifest::pod_hash(pod_);
  PODCTL_ASSIGN_OR_RETURN(net_, load_network_config(opt_.root, "", "", false));
  PODCTL_ASSIGN_OR_RETURN(cgroup_layout_, detect_controllers());
  machine_memory_ = machine_memory_bytes();
  load_images();
  facts_.uid = record_.uid;
  facts_.pod_ip = record_.pod_ip;
  facts_.host_ip = ip_to_string(net_.gateway());
  facts_.lookup = [root = opt_.root, ns = opt_.ns](const std::string& kind, const std::string& name) {
    return get_object(root, kind, ns, name);
  };
  bool has_init = !pod_.spec.init_containers.empty();
  for (const auto* list : {&pod_.spec.init_containers, &pod_.spec.containers}) {
    for (const auto& c : *list) {
      Slot s;
      s.index = slots_.size();
      s.is_init = list == &pod_.spec.init_containers;
      s.is_sidecar = s.is_init && c.restart_policy == "Always";
      s.spec = &c;
      s.cgroup = record_.cgroup + "/ctr-" + c.name;
      // The kubelet shows every container as PodInitializing until the init containers are done.
      if (has_init) s.state = json{{"waiting", {{"reason", "PodInitializing"}}}};
      slots_.push_back(std::move(s));
    }
  }
  return {};
}

Status Supervisor::setup_process() {
  // The supervisor is the parent of every pod process; a sub-reaper also inherits their orphans.
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  // A private mount namespace: the pod's mounts (its /dev/shm) vanish with the supervisor, so a
  // crash never leaves a mount on the host. rslave still lets host mounts propagate in.
  if (::unshare(CLONE_NEWNS) != 0) return fail(sys_error("unshare mount namespace"));
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) return fail(sys_error("make / rslave"));
  auto self = identify_process(::getpid());
  if (!self) return fail(make_error("cannot read own /proc/self/stat"));
  PODCTL_TRY(write_supervisor_identity(paths_, *self));
  PODCTL_TRY(create_cgroup(record_.cgroup + "/supervisor"));
  PODCTL_TRY(move_process_to_cgroup(record_.cgroup + "/supervisor", ::getpid()));

  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&mask, sig);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  signal_fd_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  timer_fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!signal_fd_ || !timer_fd_ || !epoll_) return fail(sys_error("create the event loop"));
  watch(signal_fd_.get(), tag(kSignal));
  watch(timer_fd_.get(), tag(kTimer));
  watch_config_sources();

  PODCTL_TRY(make_dirs(paths_.shm(), 01777));
  if (::mount("shm", paths_.shm().c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") != 0)
    return fail(sys_error("mount the pod's /dev/shm"));
  std::vector<PeerPod> peers;
  if (auto pods = list_pod_records(opt_.root, opt_.ns))
    for (const auto& p : *pods)
      if (p.name != opt_.name && !p.pod_ip.empty()) peers.push_back({p.name, p.ns, p.pod_ip});
  PODCTL_TRY(write_pod_files(paths_.dir, pod_, record_.pod_ip, peers));
  PODCTL_TRY(publish_host_ports());
  start_time_ = rfc3339_now();
  events_.add("Normal", "Scheduled", "Successfully assigned " + opt_.ns + "/" + opt_.name + " to this machine");
  // There is no cluster DNS on one machine: the kubelet's fallback, with its warning.
  if (pod_.spec.dns_policy == "ClusterFirst" || pod_.spec.dns_policy == "ClusterFirstWithHostNet")
    events_.add("Warning", "MissingClusterDNS",
                "pod: \"" + opt_.name + "_" + opt_.ns + "(" + record_.uid + ")\". kubelet does not have ClusterDNS IP "
                "configured and cannot create Pod using \"" + pod_.spec.dns_policy + "\" policy. Falling back to "
                "\"Default\" policy.");
  return {};
}

Status Supervisor::create_sandbox() {
  PODCTL_TRY(create_cgroup(record_.cgroup + "/pause"));
  UniqueFd cg;
  PODCTL_ASSIGN_OR_RETURN(cg, open_cgroup(record_.cgroup + "/pause"));
  SandboxLaunch launch;
  launch.pause_binary = opt_.pause_binary;
  launch.root_dir = paths_.dir + "/pause-root";
  PODCTL_TRY(make_dirs(launch.root_dir, 0555));
  launch.hostname = pod_hostname(pod_);
  launch.share_pid_namespace = pod_.spec.share_process_namespace.value_or(false);
  launch.bridge = net_.bridge;
  launch.host_veth = record_.host_veth;
  PODCTL_ASSIGN_OR_RETURN(launch.interface.ip, parse_ip(record_.pod_ip));
  launch.interface.prefix = net_.subnet.prefix;
  launch.interface.gateway = net_.gateway();
  launch.cgroup_fd = cg.get();
  PODCTL_ASSIGN_OR_RETURN(pause_, start_sandbox(launch));
  pause_start_time_ = process_start_time(pause_.pid()).value_or(0);
  std::string ns_dir = "/proc/" + std::to_string(pause_.pid()) + "/ns/";
  for (auto [fd, kind] : {std::pair{&pause_net_, "net"}, {&pause_ipc_, "ipc"}, {&pause_uts_, "uts"}, {&pause_pid_ns_, "pid"}}) {
    fd->reset(::open((ns_dir + kind).c_str(), O_RDONLY | O_CLOEXEC));
    if (!*fd) return fail(sys_error(std::string("open the pause's ") + kind + " namespace"));
  }
  watch(pause_.pidfd(), tag(kPause));
  sandbox_ready_ = true;
  return {};
}

void Supervisor::watch_config_sources() {
  config_watch_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!config_watch_) return;
  for (const char* kind : {"configmaps", "secrets"}) {
    std::string dir = opt_.root.root + "/" + kind + "/" + opt_.ns;
    (void)make_dirs(dir, 0700);
    ::inotify_add_watch(config_watch_.get(), dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE);
  }
  watch(config_watch_.get(), tag(kConfig));
}

// A ConfigMap or Secret of the namespace was applied or deleted: volumes made from them get the
// new files, and containers that waited for one try again at once.
void Supervisor::on_config_sources_changed() {
  char buf[4096];
  while (::read(config_watch_.get(), buf, sizeof buf) > 0) {
  }
  refresh_volumes(pod_, paths_, facts_);
  for (auto& s : slots_)
    if (s.waiting_for_config && s.observed.state == ContainerState::Exited) s.observed.backoff.reset();
}

// Reserved first, so that a taken port fails the pod before anything is published; ports.json
// is written before the mappings are added, so that a cleanup after any crash finds them.
Status Supervisor::publish_host_ports() {
  auto mappings = port_mappings(pod_, record_.pod_ip);
  if (mappings.empty()) return {};
  PODCTL_ASSIGN_OR_RETURN(host_port_holders_, reserve_host_ports(mappings));
  PODCTL_TRY(write_port_mappings(paths_.ports(), mappings));
  return net::add_port_mappings(net_.bridge, mappings);
}

void Supervisor::report(const std::string& line) {
  if (opt_.report_fd < 0) return;
  (void)!::write(opt_.report_fd, line.data(), line.size());
  ::close(opt_.report_fd);
  opt_.report_fd = -1;
}

void Supervisor::watch(int fd, uint64_t data, uint32_t events) {
  epoll_event ev{};
  ev.events = events ? events : EPOLLIN;
  ev.data.u64 = data;
  epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
}

void Supervisor::unwatch(int fd) { epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void Supervisor::arm_timer(std::optional<Millis> at) {
  itimerspec its{};
  if (at) {
    Millis delta = std::max<Millis>(*at - monotonic_ms(), 1);
    its.it_value.tv_sec = delta / 1000;
    its.it_value.tv_nsec = (delta % 1000) * 1'000'000;
  }
  timerfd_settime(timer_fd_.get(), 0, &its, nullptr);
}

bool Supervisor::any_running() const {
  for (const auto& s : slots_)
    if (s.observed.state == ContainerState::Running) return true;
  return false;
}

void Supervisor::record_start_failure(Slot& s, const std::string& reason, const std::string& message) {
  s.observed.state = ContainerState::Exited;
  s.observed.exit_code = 128;
  s.observed.finished_at = monotonic_ms();
  std::string now = rfc3339_now();
  s.state = json{{"terminated", {{"exitCode", 128}, {"reason", reason}, {"message", message},
                                 {"startedAt", now}, {"finishedAt", now}}}};
  events_.add("Warning", "Failed", "Error: " + message, container_ref(s));
  spdlog::warn("container {} failed to start: {}", s.spec->name, message);
}

// The kubelet reports configuration and mount errors as Waiting, not as a terminated run; the
// container is tried again (with backoff, or at once when a ConfigMap or Secret changes).
void Supervisor::hold_for_config(Slot& s, const std::string& reason, const std::string& event_reason,
                                 const std::string& event_message, const std::string& message) {
  s.observed.state = ContainerState::Exited;
  s.observed.exit_code = 128;
  s.observed.finished_at = monotonic_ms();
  s.waiting_for_config = true;
  json waiting{{"reason", reason}};
  if (!message.empty()) waiting["message"] = message;
  s.state = json{{"waiting", waiting}};
  events_.add("Warning", event_reason, event_message, container_ref(s));
}

void Supervisor::start_slot(Slot& s) {
  if (!image_ready(s)) return;
  s.waiting_for_config = false;
  const manifest::Container& c = *s.spec;
  const Image& image = images_[c.image];
  if (s.starts > 0 && s.state.contains("terminated")) s.last_state = s.state;
  auto cfg = make_container_config(pod_, c, image, pod_hostname(pod_), facts_);
  if (!cfg) return hold_for_config(s, "CreateContainerConfigError", "Failed", "Error: " + cfg.error().message, cfg.error().message);
  auto seccomp = container_seccomp(pod_, c, cfg->privileged, cfg->capabilities, net_.seccomp_default,
                                   {opt_.root.seccomp_dir(), opt_.root.seccomp_cache_dir()});
  if (!seccomp)
    return hold_for_config(s, "CreateContainerError", "Failed", "Error: " + seccomp.error().message, seccomp.error().message);
  cfg->seccomp = std::move(*seccomp);
  // A restart under the same filter has it on disk already (see below).
  bool filter_kept = s.starts > 0 && s.seccomp.size() == cfg->seccomp.size() &&
                     std::memcmp(s.seccomp.data(), cfg->seccomp.data(), s.seccomp.size() * sizeof(sock_filter)) == 0;
  s.seccomp = cfg->seccomp;
  auto volumes = prepare_volumes(pod_, c, paths_, facts_);
  if (!volumes) return hold_for_config(s, "ContainerCreating", "FailedMount", volumes.error().message, "");
  std::string dir = paths_.container_dir(c.name);
  // A restart is a new container, with a fresh writable layer, as with any CRI runtime.
  (void)remove_tree(dir + "/upper");
  (void)remove_tree(dir + "/work");
  for (const char* sub : {"/upper", "/work", "/rootfs"}) (void)make_dirs(dir + sub, 0755);
  // `podctl exec` runs its command under exactly this filter: it reads it back from here.
  if (auto st = filter_kept ? Status{} : write_file_atomic(dir + "/seccomp.bpf",
                                  std::string(reinterpret_cast<const char*>(s.seccomp.data()),
                                              s.seccomp.size() * sizeof(sock_filter)),
                                                           0600, /*durable=*/false);
      !st)
    return record_start_failure(s, "StartError", st.error().message);
  (void)make_dirs(paths_.log_dir(c.name), 0755);
  int pipes[2][2];
  if (::pipe2(pipes[0], O_CLOEXEC) != 0 || ::pipe2(pipes[1], O_CLOEXEC) != 0)
    return record_start_failure(s, "StartError", sys_error("create log pipes").message);
  UniqueFd out_w(pipes[0][1]), err_w(pipes[1][1]);
  s.out.reset(pipes[0][0]);
  s.err.reset(pipes[1][0]);
  // Only our read ends are non-blocking; the container's write ends stay ordinary pipes.
  for (int fd : {s.out.get(), s.err.get()}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  s.log = LogWriter(paths_.log_dir(c.name) + "/" + std::to_string(s.starts) + ".log", opt_.log_limits);
  prune_logs(paths_.log_dir(c.name), opt_.log_limits.max_files);
  auto limits = plan::container_limits(pod_, c, machine_memory_);
  auto cgroups = apply_container_limits(cgroup_layout_, s.cgroup, limits, opt_.pids_limit);
  if (!cgroups)
    return hold_for_config(s, "CreateContainerConfigError", "Failed", "Error: " + cgroups.error().message, cgroups.error().message);
  s.oom_kills_at_start = oom_kill_count(cgroup_layout_, s.cgroup);
  auto cg = open_cgroup(s.cgroup);
  if (!cg) return record_start_failure(s, "StartError", cg.error().message);
  // Before the container's first process is born in the cgroup: devices are denied from the start.
  // The rules stay with the container's cgroups, which outlive its restarts.
  if (s.device_rules != (cfg->privileged ? Slot::DeviceRules::kPrivileged : Slot::DeviceRules::kDefault)) {
    auto v1 = restrict_devices(cgroup_layout_, s.cgroup, cg->get(), cfg->privileged);
    if (!v1) return record_start_failure(s, "StartError", v1.error().wrap("restrict devices").message);
    s.devices_v1 = *v1;
    s.device_rules = cfg->privileged ? Slot::DeviceRules::kPrivileged : Slot::DeviceRules::kDefault;
  }
  if (!s.devices_v1.empty()) cgroups->v1.push_back(s.devices_v1);

  ContainerLaunch launch;
  launch.name = c.name;
  launch.net_ns_fd = pause_net_.get();
  launch.ipc_ns_fd = pause_ipc_.get();
  launch.uts_ns_fd = pause_uts_.get();
  if (pod_.spec.share_process_namespace.value_or(false)) launch.pid_namespace_fd = pause_pid_ns_.get();
  launch.cgroup_fd = cg->get();
  launch.lower_dirs = image.layers;
  launch.upper_dir = dir + "/upper";
  launch.work_dir = dir + "/work";
  launch.rootfs = dir + "/rootfs";
  launch.hosts_file = paths_.hosts();
  launch.hostname_file = paths_.hostname();
  launch.resolv_conf = paths_.resolv_conf();
  launch.shm_dir = paths_.shm();
  launch.process = *cfg;
  launch.volumes = std::move(*volumes);
  launch.v1_cgroups = cgroups->v1;
  launch.stdout_fd = out_w.get();
  launch.stderr_fd = err_w.get();
  if (s.starts == 0)
    events_.add("Normal", "Pulled", "Container image \"" + c.image + "\" already present on machine", container_ref(s));
  s.container_id = random_container_id();
  events_.add("Normal", "Created", "Created container " + c.name, container_ref(s));
  auto child = start_container(launch);
  out_w.reset();
  err_w.reset();
  ++s.starts;
  if (!child) {
    s.out.reset();
    s.err.reset();
    return record_start_failure(s, "StartError", child.error().message);
  }
  s.proc = std::move(*child);
  s.proc_start_time = process_start_time(s.proc.pid()).value_or(0);
  // Raising the score is always allowed; lowering it (Guaranteed: -997) needs CAP_SYS_RESOURCE,
  // which a machine may not give us: then the container keeps the score it inherited.
  if (auto st = write_setting("/proc/" + std::to_string(s.proc.pid()) + "/oom_score_adj", std::to_string(limits.oom_score_adj)); !st)
    spdlog::debug("oom_score_adj of {}: {}", c.name, st.error().message);
  s.observed.state = ContainerState::Running;
  s.started_at = rfc3339_now();
  s.working_dir = cfg->working_dir;
  watch(s.proc.pidfd(), tag(kExit, s.index));
  watch(s.out.get(), tag(kStdout, s.index));
  watch(s.err.get(), tag(kStderr, s.index));
  events_.add("Normal", "Started", "Started container " + c.name, container_ref(s));
  begin_checks(s);
}

// SIGHUP: apply wrote a spec in which only containers changed. As the kubelet does when a
// container's hash changes, each changed running container is stopped (its grace period, then
// SIGKILL) and started afresh; one that is not running is left to the restart policy.
void Supervisor::reload_spec() {
  auto next = read_spec();
  if (!next) {
    events_.add("Warning", "FailedUpdate", "Cannot read the new spec: " + next.error().message);
    return;
  }
  if (manifest::pod_level_hash(*next) != manifest::pod_level_hash(pod_)) {
    events_.add("Warning", "FailedUpdate", "Pod-level fields changed: the pod must be replaced, not updated");
    return;
  }
  std::vector<std::string> old_hashes;
  for (const auto& c : pod_.spec.containers) old_hashes.push_back(manifest::container_hash(c));
  pod_ = std::move(*next);
  bind_slots_to_spec();
  load_images();
  size_t init_count = pod_.spec.init_containers.size();
  for (size_t k = 0; k < pod_.spec.containers.size(); ++k) {
    Slot& s = slots_[init_count + k];
    if (manifest::container_hash(pod_.spec.containers[k]) == old_hashes[k]) continue;
    if (s.running()) {
      s.restart_pending = true;
      stop_container(s, pod_.spec.termination_grace_period_seconds * 1000,
                     "Container " + s.spec->name + " definition changed, will be restarted");
    }
  }
}

plan::ObservedPod Supervisor::observe() const {
  plan::ObservedPod observed;
  observed.initialized_once = initialized_once_;
  for (const auto& s : slots_) {
    plan::ObservedContainer o = s.observed;
    o.started = s.started();
    o.stopping = s.stop != StopPhase::None;
    o.create_error = s.waiting_for_config;
    if (const auto* w = s.probe(plan::ProbeKind::Startup)) o.startup = w->result();
    if (const auto* w = s.probe(plan::ProbeKind::Liveness)) o.liveness = w->result();
    observed.containers.push_back(o);
  }
  return observed;
}

std::string Supervisor::pod_ref() const {
  return pod_.metadata.name + "_" + pod_.metadata.namespace_ + "(" + record_.uid + ")";
}

void Supervisor::hold_in_backoff(Slot& s) {
  if (s.pull_failed) {
    if (s.state.contains("waiting") && s.state["waiting"].value("reason", "") == "ImagePullBackOff") return;
    std::string msg = "Back-off pulling image \"" + s.spec->image + "\"";
    s.state = json{{"waiting", {{"reason", "ImagePullBackOff"}, {"message", msg}}}};
    events_.add("Normal", "BackOff", msg, container_ref(s));
    return;
  }
  if (s.waiting_for_config) return;  // it keeps saying why it waits
  if (s.state.contains("waiting") && s.state["waiting"].value("reason", "") == "CrashLoopBackOff") return;
  if (s.state.contains("terminated")) s.last_state = s.state;
  std::string msg = "back-off " + std::to_string(s.observed.backoff->delay / 1000) +
                    "s restarting failed container=" + s.spec->name + " pod=" + pod_ref();
  s.state = json{{"waiting", {{"reason", "CrashLoopBackOff"}, {"message", msg}}}};
  events_.add("Warning", "BackOff", "Back-off restarting failed container " + s.spec->name + " in pod " + pod_ref(),
              container_ref(s));
}

bool Supervisor::apply_plan(const plan::PodPlan& p) {
  for (const auto& [i, kill] : p.kill) stop_container(slots_[i], kill.grace_seconds * 1000, kill.message);
  for (const auto& [i, entry] : p.backoff_updates) slots_[i].observed.backoff = entry;
  // Worth planning again at once: a start that failed on the spot, or one that counts as
  // started already (the next init container may go). A start waiting for its image is neither.
  bool replan = false;
  for (size_t i : p.start) {
    start_slot(slots_[i]);
    replan |= slots_[i].observed.state == ContainerState::Exited || slots_[i].started();
  }
  for (const auto& [i, until] : p.back_off_until) hold_in_backoff(slots_[i]);
  if (p.stop_sidecars) begin_sidecar_shutdown();
  return replan;
}

void Supervisor::reconcile() {
  if (terminating_) return arm_timer(next_check(next_stop_deadline(std::nullopt)));
  if (!sandbox_ready_) return;
  Millis now = monotonic_ms();
  run_due_probes(now);
  plan::ObservedPod observed = observe();
  if (plan::initialized(pod_.spec, observed)) initialized_once_ = observed.initialized_once = true;
  plan::PodPlan p = plan::plan_pod(pod_.spec, observed, opt_.backoff, now);
  spdlog::debug("plan {}", p.to_string());
  if (apply_plan(p)) return reconcile();
  bool pending = false;
  for (const auto& s : slots_) pending |= s.restart_pending;
  if (!pending) applied_spec_hash_ = manifest::pod_hash(pod_);
  arm_timer(next_check(next_stop_deadline(p.wake_at)));
}

void Supervisor::on_container_exit(Slot& s) {
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), s.proc.pidfd(), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
    return;
  unwatch(s.proc.pidfd());
  s.proc.release();
  end_run(s);
  int code = exit_status_of(info);
  s.observed.state = ContainerState::Exited;
  s.observed.exit_code = code;
  s.observed.finished_at = monotonic_ms();
  bool oom = code == 137 && oom_kill_count(cgroup_layout_, s.cgroup) > s.oom_kills_at_start;
  s.state = json{{"terminated", {{"exitCode", code}, {"reason", oom ? "OOMKilled" : code == 0 ? "Completed" : "Error"},
                                 {"startedAt", s.started_at}, {"finishedAt", rfc3339_now()},
                                 {"containerID", "podctl://" + s.container_id}}}};
  spdlog::info("container {} exited with {}", s.spec->name, code);
  if (s.restart_pending && !terminating_) {
    // Stopped for a spec change: a new container, whatever the policy, with no backoff.
    s.last_state = s.state;
    s.observed = {};
    s.restart_pending = false;
  }
  if (shutting_down_) advance_shutdown(monotonic_ms());
}

// What a container's run leaves once its process is gone: the rest of its output, its probes and
// hooks, its stop.
void Supervisor::end_run(Slot& s) {
  drain(s, false);
  drain(s, true);
  cancel_runs(s);
  s.stop = StopPhase::None;
  s.probes.clear();
  s.exec_target.reset();
}

void Supervisor::on_pause_exit() {
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), pause_.pidfd(), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
    return;
  unwatch(pause_.pidfd());
  pause_.release();
  sandbox_ready_ = false;
  if (terminating_) return;
  // SandboxChanged: everything in the old sandbox goes; a new one is made if the policy lets
  // containers run again (with Never, a pod whose containers already ran is not re-created).
  events_.add("Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
  bool any_ran = false;
  for (auto& s : slots_) {
    any_ran |= s.starts > 0;
    if (s.observed.state != ContainerState::Running) continue;
    unwatch(s.proc.pidfd());
    s.proc.kill_and_reap();
    end_run(s);
    s.observed = {ContainerState::Exited, 137, monotonic_ms(), s.observed.backoff};
    s.state = json{{"terminated", {{"exitCode", 137}, {"reason", "Error"}, {"startedAt", s.started_at},
                                   {"finishedAt", rfc3339_now()}, {"containerID", "podctl://" + s.container_id}}}};
  }
  (void)net::delete_host_veth(record_.host_veth);
  if (pod_.spec.restart_policy == "Never" && any_ran) return;
  // A new sandbox starts from the initial state: every init container runs again (kubelet).
  initialized_once_ = false;
  for (auto& s : slots_)
    if (s.is_init) s.observed = {};
  if (auto st = create_sandbox(); !st) {
    events_.add("Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + st.error().message);
    spdlog::error("re-create sandbox: {}", st.error().message);
  }
}

void Supervisor::on_timer() {
  uint64_t expirations;
  (void)!::read(timer_fd_.get(), &expirations, sizeof expirations);
  Millis now = monotonic_ms();
  expire_runs(now);
  kill_overdue(now);
  if (shutting_down_) advance_shutdown(now);
}

void Supervisor::reap_strangers() {
  // Orphans handed to us as sub-reaper; our own children are reaped through their pidfds.
  std::ifstream in("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  pid_t pid;
  while (in >> pid) {
    // Our own children (containers, pulls, exec probes and hooks) are reaped through their pidfds.
    bool ours = pid == pause_.pid();
    for (const auto& s : slots_) {
      ours |= (s.proc.valid() && s.proc.pid() == pid) || (s.pull.valid() && s.pull.pid() == pid);
      for (const auto& run : s.runs) ours |= run && run->pid() == pid;
    }
    if (!ours) ::waitpid(pid, nullptr, WNOHANG);
  }
}

void Supervisor::on_signals() {
  signalfd_siginfo si;
  while (::read(signal_fd_.get(), &si, sizeof si) == sizeof si) {
    if (si.ssi_signo == SIGCHLD) reap_strangers();
    else if (si.ssi_signo == SIGHUP) reload_spec();
    else begin_termination();
  }
}

void Supervisor::drain(Slot& s, bool is_stderr) {
  UniqueFd& fd = is_stderr ? s.err : s.out;
  if (!fd) return;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      s.log.feed(is_stderr, buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    s.log.finish(is_stderr);
    unwatch(fd.get());
    fd.reset();
    return;
  }
}

void Supervisor::dispatch(Tag kind, size_t index) {
  switch (kind) {
    case kSignal: on_signals(); break;
    case kTimer: on_timer(); break;
    case kPause: on_pause_exit(); break;
    case kExit: on_container_exit(slots_[index]); break;
    case kStdout: drain(slots_[index], false); break;
    case kStderr: drain(slots_[index], true); break;
    case kHandler: on_handler_ready(index); break;
    case kConfig: on_config_sources_changed(); break;
    case kPull: on_pull_exit(slots_[index]); break;
  }
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
      events_.add("Warning", "SupervisorError", std::string(step) + ": " + e.what());
    } catch (const std::exception&) {
    }
  }
}

int Supervisor::run() {
  // The report fd came through dup2, which clears close-on-exec: the pod's processes must not
  // inherit it, or the CLI waiting for EOF would wait for them.
  if (opt_.report_fd >= 0) fcntl(opt_.report_fd, F_SETFD, FD_CLOEXEC);
  if (auto st = load(); !st) {
    report("error: " + st.error().message + "\n");
    return 1;
  }
  if (auto st = setup_process(); !st) {
    report("error: " + st.error().message + "\n");
    return 1;
  }
  if (auto st = create_sandbox(); !st) {
    events_.add("Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + st.error().message);
    report("error: " + st.error().message + "\n");
    return 1;
  }
  reconcile();
  write_status();
  report("ok\n");
  epoll_event events[16];
  while (!done_) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno != EINTR) {
      spdlog::error("epoll_wait: {}", std::strerror(errno));
      break;
    }
    // Output alone changes neither the plan nor the status: only other events lead to a re-plan.
    bool state_changed = false;
    for (int i = 0; i < n && !done_; ++i) {
      uint64_t data = events[i].data.u64;
      auto kind = static_cast<Tag>(data >> 32);
      size_t index = data & 0xffffffff;
      state_changed |= kind != kStdout && kind != kStderr;
      guarded("handle an event", [&] { dispatch(kind, index); });
    }
    if (!state_changed) continue;
    if (!done_) guarded("reconcile", [&] { reconcile(); });
    guarded("write the status", [&] { write_status(); });
  }
  write_status();
  return 0;
}

}  // namespace podctl::supervisor

namespace podctl {

int run_supervisor(const SupervisorOptions& options) {
  supervisor::Supervisor s(options);
  return s.run();
}

}  // namespace podctl
