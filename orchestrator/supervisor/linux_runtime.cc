// The real runtime, part one: what it loads and prepares for a pod, the sandbox, images and pulls,
// events, and the runtime section of status.json.
#include "orchestrator/supervisor/linux_runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "base/process_identity.h"
#include "netsetup/veth.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/container/pod_volumes.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/sandbox/host_ports.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/sandbox/pod_files.h"
#include "orchestrator/sandbox/sandbox.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl::supervisor {

Millis monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // cannot fail for CLOCK_MONOTONIC with a valid pointer
  return ts.tv_sec * 1000 + ts.tv_nsec / 1'000'000;
}

std::string LinuxPodRuntime::wall_clock() const { return rfc3339_now(); }

Status LinuxPodRuntime::load(const manifest::Pod& pod) {
  paths_.dir = opt_.root.pod_dir(opt_.ns, opt_.name);
  events_.path = paths_.events();
  PODCTL_ASSIGN_OR_RETURN(record_, read_pod_record(opt_.root, opt_.ns, opt_.name));
  PODCTL_ASSIGN_OR_RETURN(net_, load_network_config(opt_.root, {}, false));
  PODCTL_ASSIGN_OR_RETURN(cgroup_layout_, detect_controllers());
  machine_memory_ = machine_memory_bytes();
  facts_.uid = record_.uid;
  facts_.pod_ip = record_.pod_ip;
  facts_.host_ip = host_ip();
  facts_.lookup = [root = opt_.root, ns = opt_.ns](const std::string& kind, const std::string& name) {
    return get_object(root, kind, ns, name);
  };
  facts_.services = [root = opt_.root, ns = opt_.ns]() {
    std::vector<ServiceLink> out;
    auto services = list_objects(root, "services", ns);
    if (!services) return out;  // none
    for (const auto& s : *services) {
      ServiceLink link{s["metadata"].value("name", ""), s["spec"].value("clusterIP", ""), {}};
      for (const auto& p : s["spec"].value("ports", nlohmann::json::array()))
        link.ports.push_back({p.value("name", ""), p.value("port", int64_t{0}), p.value("protocol", "TCP")});
      out.push_back(std::move(link));
    }
    return out;
  };
  facts_.claim_dir = [root = opt_.root, ns = opt_.ns](const std::string& claim) -> Result<std::string> {
    PODCTL_ASSIGN_OR_RETURN(auto object, get_object(root, "persistentvolumeclaims", ns, claim));
    std::string uid = object["metadata"].value("uid", "");
    if (!is_store_name(uid)) return fail(make_error("persistentvolumeclaim \"" + claim + "\" has no valid uid"));
    return root.claim_dir(ns, uid);
  };
  share_pid_namespace_ = pod.spec.share_process_namespace.value_or(false);
  hostname_ = pod_hostname(pod);
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) {
      ContainerProcess p;
      p.name = c.name;
      p.cgroup = record_.cgroup + "/ctr-" + c.name;
      containers_.push_back(std::move(p));
    }
  return {};
}

Result<manifest::Pod> LinuxPodRuntime::read_spec() const { return read_stored_spec(paths_, opt_.ns); }

std::string LinuxPodRuntime::host_ip() const { return ip_to_string(net_.gateway()); }

std::optional<int64_t> LinuxPodRuntime::requested_grace_period() const {
  auto text = read_file(paths_.stop_request());
  if (!text) return std::nullopt;  // a plain SIGTERM: the pod's own grace period
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("gracePeriodSeconds") || !j["gracePeriodSeconds"].is_number_integer())
    return std::nullopt;
  return j["gracePeriodSeconds"].get<int64_t>();
}

Status LinuxPodRuntime::prepare(const manifest::Pod& pod) {
  PODCTL_TRY(make_dirs(paths_.shm(), 01777));
  if (::mount("shm", paths_.shm().c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") != 0)
    return fail(sys_error("mount the pod's /dev/shm"));
  std::vector<PeerPod> peers;
  if (net_.pod_name_hosts)
    if (auto pods = list_pod_records(opt_.root, opt_.ns)) peers = peer_pods(net_, *pods, opt_.name);
  PODCTL_TRY(write_pod_files(paths_.dir, pod, record_.pod_ip, peers, service_addresses(opt_.root)));
  return publish_host_ports(pod);
}

// Reserved first, so that a taken port fails the pod before anything is published; ports.json
// is written before the mappings are added, so that a cleanup after any crash finds them.
Status LinuxPodRuntime::publish_host_ports(const manifest::Pod& pod) {
  auto mappings = port_mappings(pod, record_.pod_ip);
  if (mappings.empty()) return {};
  PODCTL_ASSIGN_OR_RETURN(host_port_holders_, reserve_host_ports(mappings));
  PODCTL_TRY(write_port_mappings(paths_.ports(), mappings));
  return net::add_port_mappings(net_.bridge, mappings);
}

void LinuxPodRuntime::refresh_volumes(const manifest::Pod& pod) { podctl::refresh_volumes(pod, paths_, facts_); }

Status LinuxPodRuntime::create_sandbox() {
  PODCTL_TRY(create_cgroup(record_.cgroup + "/pause"));
  UniqueFd cg;
  PODCTL_ASSIGN_OR_RETURN(cg, open_cgroup(record_.cgroup + "/pause"));
  SandboxLaunch launch;
  launch.pause_binary = opt_.pause_binary;
  launch.root_dir = paths_.dir + "/pause-root";
  PODCTL_TRY(make_dirs(launch.root_dir, 0555));
  launch.hostname = hostname_;
  launch.share_pid_namespace = share_pid_namespace_;
  launch.bridge = net_.bridge;
  launch.host_veth = record_.host_veth;
  PODCTL_ASSIGN_OR_RETURN(launch.interface.ip, parse_ip(record_.pod_ip));
  launch.interface.prefix = net_.subnet.prefix;
  launch.interface.gateway = net_.gateway();
  launch.cgroup_fd = cg.get();
  PODCTL_ASSIGN_OR_RETURN(pause_, start_sandbox(launch));
  pause_start_time_ = process_start_time(pause_.pid()).value_or(0);
  std::string ns_dir = "/proc/" + std::to_string(pause_.pid()) + "/ns/";
  for (auto [fd, kind] :
       {std::pair{&pause_net_, "net"}, {&pause_ipc_, "ipc"}, {&pause_uts_, "uts"}, {&pause_pid_ns_, "pid"}}) {
    fd->reset(::open((ns_dir + kind).c_str(), O_RDONLY | O_CLOEXEC));
    if (!*fd) return fail(sys_error(std::string("open the pause's ") + kind + " namespace"));
  }
  return watcher_.watch(pause_.pidfd(), tag(Tag::Pause));
}

// The exit status of a child of ours that has exited (it is reaped and forgotten), or none while
// it runs.
std::optional<int> LinuxPodRuntime::reap_exited(ChildProcess& child) {
  siginfo_t info{};
  if (!child.valid() || ::waitid(static_cast<idtype_t>(P_PIDFD), child.pidfd(), &info, WEXITED | WNOHANG) != 0 ||
      info.si_pid == 0)
    return std::nullopt;
  watcher_.unwatch(child.pidfd());
  child.release();
  return exit_status_of(info);
}

bool LinuxPodRuntime::reap_pause() { return reap_exited(pause_).has_value(); }

Status LinuxPodRuntime::teardown_sandbox() {
  // The host end first: deleting it is synchronous, while a dying netns frees its veth later.
  auto veth = net::delete_host_veth(record_.host_veth);
  if (pause_.valid()) {
    watcher_.unwatch(pause_.pidfd());
    pause_.kill_and_reap();
  }
  for (auto* fd : {&pause_net_, &pause_ipc_, &pause_uts_, &pause_pid_ns_}) fd->reset();
  if (!veth) return fail(veth.error().wrap("delete the host veth " + record_.host_veth));
  return {};
}

std::optional<Image> LinuxPodRuntime::find_image(const std::string& reference) {
  auto image = ImageStore(opt_.root.images_dir()).find(reference);
  if (!image) return std::nullopt;  // not stored (or unreadable): the pull policy decides
  return std::move(*image);
}

Status LinuxPodRuntime::start_pull(size_t i, const std::string& reference) {
  ContainerProcess& p = containers_[i];
  p.pull_output.reset(::memfd_create("pull-output", MFD_CLOEXEC));
  if (!p.pull_output) return fail(sys_error("memfd_create for the pull's output"));
  std::string exe = opt_.podctl_binary;
  std::vector<std::string> args = {"podctl", "--root", opt_.root.root, "image", "pull", reference};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ChildProcess child;
  PODCTL_ASSIGN_OR_RETURN(pid_t pid, clone3_process({}, child));
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    // In the child, before exec: a failure here shows as the pull's failure (its exit code).
    if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(devnull, 1) < 0 || ::dup2(p.pull_output.get(), 2) < 0)
      ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    (void)::sigprocmask(SIG_SETMASK, &none, nullptr);  // cannot fail with a valid set
    cloexec_from_in_child(3);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  p.pull = std::move(child);
  if (auto st = watcher_.watch(p.pull.pidfd(), tag(Tag::Pull, i)); !st) {
    p.pull.kill_and_reap();
    return st;
  }
  return {};
}

namespace {

// The last line the pull printed on stderr, without "error: ".
std::string pull_error(int memfd) {
  char buf[4096];
  ssize_t n = ::pread(memfd, buf, sizeof buf - 1, 0);
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto nl = text.rfind('\n');
  if (nl != std::string::npos) text = text.substr(nl + 1);
  if (text.rfind("error: ", 0) == 0) text = text.substr(7);
  return text.empty() ? "the pull failed" : text;
}

}  // namespace

std::optional<Status> LinuxPodRuntime::reap_pull(size_t i) {
  ContainerProcess& p = containers_[i];
  auto status = reap_exited(p.pull);
  if (!status) return std::nullopt;
  if (*status != 0) return Status(fail(make_error(pull_error(p.pull_output.get()))));
  return Status{};
}

void LinuxPodRuntime::record_event(EventType type, const std::string& reason, const std::string& message,
                                   const std::string& object) {
  events_.add(type == EventType::Warning ? "Warning" : "Normal", reason, message, object);
}

nlohmann::json LinuxPodRuntime::describe(const std::string& applied_spec_hash) const {
  nlohmann::json runtime{{"hostVeth", record_.host_veth},
                         {"cgroup", record_.cgroup},
                         {"supervisorPid", ::getpid()},
                         {"specHash", applied_spec_hash}};
  if (pause_.valid()) runtime["pause"] = {{"pid", pause_.pid()}, {"startTime", pause_start_time_}};
  nlohmann::json procs = nlohmann::json::object();
  for (const auto& p : containers_)
    if (p.proc.valid())
      procs[p.name] = {{"pid", p.proc.pid()},
                       {"startTime", p.proc_start_time},
                       {"cgroup", p.cgroup},
                       {"containerID", p.container_id},
                       {"logFile", paths_.log_dir(p.name) + "/" + std::to_string(p.run) + ".log"}};
  runtime["containers"] = procs;
  return runtime;
}

}  // namespace podctl::supervisor
