// The real runtime, part three: one start of a container. Its configuration, seccomp filter and
// volumes first (each failure waits with its own reason), then a fresh writable layer, log pipes,
// cgroups with their limits and device rules, and the clone into the pause's namespaces.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "base/files.h"
#include "base/process_identity.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/container/container_config.h"
#include "orchestrator/container/container_launch.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/logs/log_files.h"
#include "orchestrator/logs/termination_message.h"
#include "orchestrator/plan/resources.h"
#include "orchestrator/sandbox/pod_files.h"
#include "orchestrator/supervisor/linux_runtime.h"

namespace podctl::supervisor {
namespace {

std::string random_container_id() {
  std::string a = new_uid() + new_uid();
  std::string hex;
  for (char c : a)
    if (c != '-') hex += c;
  return hex.substr(0, 64);
}

StartFailure failure(StartFailureKind kind, const Error& e) { return {kind, e.message}; }

bool same_filter(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0;
}

}  // namespace

// A fresh, empty file for each run, bound at terminationMessagePath; 0666 as the kubelet makes
// it, so that a container running as any user can write its message. It lives beside the
// container's layers, where the container reaches only its contents, never its name.
Result<VolumeBind> LinuxPodRuntime::termination_log_bind(ContainerProcess& p, const manifest::Container& c,
                                                         const std::string& dir) {
  PODCTL_TRY(make_dirs(dir, 0755));
  p.termination_log = dir + "/termination-log";
  p.termination_policy = c.termination_message_policy;
  UniqueFd file(::open(p.termination_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!file || ::fchmod(file.get(), 0666) != 0) return fail(sys_error("create " + p.termination_log));
  VolumeBind bind{UniqueFd(::open(p.termination_log.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC)), p.termination_log,
                  c.termination_message_path, false};
  if (!bind.source) return fail(sys_error("open " + p.termination_log));
  return bind;
}

// What is decided from the spec and the ConfigMaps, Secrets and volumes it refers to.
std::optional<StartFailure> LinuxPodRuntime::prepare_start(ContainerProcess& p, const manifest::Pod& pod,
                                                           const manifest::Container& c, ContainerConfig& cfg,
                                                           std::vector<VolumeBind>& volumes) {
  auto seccomp = container_seccomp(pod, c, cfg.privileged, cfg.capabilities, net_.seccomp_default,
                                   {opt_.root.seccomp_dir(), opt_.root.seccomp_cache_dir()});
  if (!seccomp) return failure(StartFailureKind::Create, seccomp.error());
  cfg.seccomp = std::move(*seccomp);
  // A restart under the same filter has it on disk already.
  bool filter_kept = !p.seccomp.empty() && same_filter(p.seccomp, cfg.seccomp);
  p.seccomp = cfg.seccomp;
  auto binds = prepare_volumes(pod, c, paths_, facts_);
  if (!binds) return failure(StartFailureKind::Mount, binds.error());
  volumes = std::move(*binds);
  std::string dir = paths_.container_dir(c.name);
  auto termination_log = termination_log_bind(p, c, dir);
  if (!termination_log) return failure(StartFailureKind::Setup, termination_log.error());
  volumes.push_back(std::move(*termination_log));
  // A restart is a new container, with a fresh writable layer, as with any CRI runtime.
  for (const char* sub : {"/upper", "/work"})
    if (auto st = remove_tree(dir + sub); !st)  // a missing directory is no error
      return failure(StartFailureKind::Setup, st.error());
  for (const char* sub : {"/upper", "/work", "/rootfs"})
    if (auto st = make_dirs(dir + sub, 0755); !st) return failure(StartFailureKind::Setup, st.error());
  if (filter_kept) return std::nullopt;
  // `podctl exec` runs its command under exactly this filter: it reads it back from here.
  std::string bytes(reinterpret_cast<const char*>(p.seccomp.data()), p.seccomp.size() * sizeof(sock_filter));
  if (auto st = write_runtime_file(dir + "/seccomp.bpf", bytes, 0600); !st)
    return failure(StartFailureKind::Setup, st.error());
  return std::nullopt;
}

std::optional<StartFailure> LinuxPodRuntime::open_log_pipes(ContainerProcess& p, const manifest::Container& c,
                                                            UniqueFd& out_w, UniqueFd& err_w) {
  if (auto st = make_dirs(paths_.log_dir(c.name), 0755); !st) return failure(StartFailureKind::Setup, st.error());
  int pipes[2][2];
  if (::pipe2(pipes[0], O_CLOEXEC) != 0) return failure(StartFailureKind::Setup, sys_error("create log pipes"));
  if (::pipe2(pipes[1], O_CLOEXEC) != 0) {
    close_fd(pipes[0][0]);
    close_fd(pipes[0][1]);
    return failure(StartFailureKind::Setup, sys_error("create log pipes"));
  }
  out_w.reset(pipes[0][1]);
  err_w.reset(pipes[1][1]);
  p.out.reset(pipes[0][0]);
  p.err.reset(pipes[1][0]);
  // Only our read ends are non-blocking; the container's write ends stay ordinary pipes.
  for (int fd : {p.out.get(), p.err.get()})
    if (::fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
      return failure(StartFailureKind::Setup, sys_error("make a log pipe non-blocking"));
  p.log = LogWriter(paths_.log_dir(c.name) + "/" + std::to_string(p.run) + ".log", opt_.log_limits);
  prune_logs(paths_.log_dir(c.name), opt_.log_limits.max_files);
  return std::nullopt;
}

// Before the container's first process is born in the cgroup: devices are denied from the start.
// The rules stay with the container's cgroups, which outlive its restarts.
Result<std::vector<std::string>> LinuxPodRuntime::restrict_container_devices(ContainerProcess& p, int cgroup_fd,
                                                                             bool privileged) {
  auto wanted = privileged ? ContainerProcess::DeviceRules::kPrivileged : ContainerProcess::DeviceRules::kDefault;
  if (p.device_rules != wanted) {
    PODCTL_ASSIGN_OR_RETURN(p.devices_v1, restrict_devices(cgroup_layout_, p.cgroup, cgroup_fd, privileged));
    p.device_rules = wanted;
  }
  if (p.devices_v1.empty()) return std::vector<std::string>{};
  return std::vector<std::string>{p.devices_v1};
}

std::expected<void, StartFailure> LinuxPodRuntime::begin_container(size_t i, const manifest::Pod& pod, const Image& image,
                                                                   int run) {
  ContainerProcess& p = containers_[i];
  const size_t init_count = pod.spec.init_containers.size();
  const manifest::Container& c = i < init_count ? pod.spec.init_containers[i] : pod.spec.containers[i - init_count];
  p.run = run;
  auto cfg = make_container_config(pod, c, image, pod_hostname(pod), facts_);
  if (!cfg) return std::unexpected(failure(StartFailureKind::Config, cfg.error()));
  std::vector<VolumeBind> volumes;
  if (auto f = prepare_start(p, pod, c, *cfg, volumes)) return std::unexpected(*f);
  UniqueFd out_w, err_w;
  if (auto f = open_log_pipes(p, c, out_w, err_w)) return std::unexpected(*f);
  if (auto pod_limits = plan::pod_level_limits(pod)) {
    if (auto st = apply_pod_limits(cgroup_layout_, record_.cgroup, *pod_limits); !st)
      return std::unexpected(failure(StartFailureKind::Config, st.error()));
  }
  auto limits = plan::container_limits(pod, c, machine_memory_);
  auto cgroups = apply_container_limits(cgroup_layout_, p.cgroup, limits, opt_.pids_limit);
  if (!cgroups) return std::unexpected(failure(StartFailureKind::Config, cgroups.error()));
  p.oom_kills_at_start = oom_kill_count(cgroup_layout_, p.cgroup);
  auto cg = open_cgroup(p.cgroup);
  if (!cg) return std::unexpected(failure(StartFailureKind::Setup, cg.error()));
  auto devices_v1 = restrict_container_devices(p, cg->get(), cfg->privileged);
  if (!devices_v1)
    return std::unexpected(failure(StartFailureKind::Setup, devices_v1.error().wrap("restrict devices")));

  ContainerLaunch launch;
  launch.name = c.name;
  launch.net_ns_fd = pause_net_.get();
  launch.ipc_ns_fd = pause_ipc_.get();
  launch.uts_ns_fd = pause_uts_.get();
  if (share_pid_namespace_) launch.pid_namespace_fd = pause_pid_ns_.get();
  launch.cgroup_fd = cg->get();
  launch.lower_dirs = image.layers;
  std::string dir = paths_.container_dir(c.name);
  launch.upper_dir = dir + "/upper";
  launch.work_dir = dir + "/work";
  launch.rootfs = dir + "/rootfs";
  launch.hosts_file = paths_.hosts();
  launch.hostname_file = paths_.hostname();
  launch.resolv_conf = paths_.resolv_conf();
  launch.shm_dir = paths_.shm();
  launch.process = *cfg;
  launch.volumes = std::move(volumes);
  launch.v1_cgroups = cgroups->v1;
  launch.v1_cgroups.insert(launch.v1_cgroups.end(), devices_v1->begin(), devices_v1->end());
  launch.stdout_fd = out_w.get();
  launch.stderr_fd = err_w.get();
  p.container_id = random_container_id();
  auto pending = begin_container_start(launch);
  // The child has its copies: the pipes' write ends must not reach the next container's child.
  out_w.reset();
  err_w.reset();
  if (!pending) {
    p.out.reset();
    p.err.reset();
    return std::unexpected(failure(StartFailureKind::Exec, pending.error()));
  }
  p.pending = std::move(*pending);
  p.stop_signal = stop_signal(image);
  p.working_dir = cfg->working_dir;
  p.oom_score_adj = limits.oom_score_adj;
  return {};
}

std::expected<std::string, StartFailure> LinuxPodRuntime::finish_container(size_t i) {
  ContainerProcess& p = containers_[i];
  if (!p.pending) return std::unexpected(failure(StartFailureKind::Exec, make_error("no start under way")));
  auto child = finish_container_start(*p.pending);
  p.pending.reset();
  if (!child) {
    p.out.reset();
    p.err.reset();
    return std::unexpected(failure(StartFailureKind::Exec, child.error()));
  }
  p.proc = std::move(*child);
  p.proc_start_time = process_start_time(p.proc.pid()).value_or(0);
  // Raising the score is always allowed; lowering it (Guaranteed: -997) needs CAP_SYS_RESOURCE,
  // which a machine may not give us: then the container keeps the score it inherited.
  (void)write_setting("/proc/" + std::to_string(p.proc.pid()) + "/oom_score_adj", std::to_string(p.oom_score_adj));
  if (auto st = watch_process(i); !st) {
    (void)kill_now(i);  // it never ran for us: its exit status means nothing
    return std::unexpected(failure(StartFailureKind::Exec, st.error()));
  }
  return p.container_id;
}

Status LinuxPodRuntime::watch_process(size_t i) {
  ContainerProcess& p = containers_[i];
  PODCTL_TRY(watcher_.watch(p.proc.pidfd(), tag(Tag::Exit, i)));
  PODCTL_TRY(watcher_.watch(p.out.get(), tag(Tag::Stdout, i)));
  return watcher_.watch(p.err.get(), tag(Tag::Stderr, i));
}

}  // namespace podctl::supervisor
