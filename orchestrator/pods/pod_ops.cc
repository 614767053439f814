#include "orchestrator/pods/pod_ops.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <filesystem>

#include "base/files.h"
#include "manifests/serialize.h"
#include "netsetup/ipam.h"
#include "netsetup/veth.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/cgroup/cgroup_limits.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/output/pod_printer.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/sandbox/host_ports.h"
#include "orchestrator/sandbox/pod_files.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

bool pod_uid_exists(const PodContext& ctx, const std::string& uid) {
  auto pods = list_pod_records(ctx.root, "");
  if (!pods) return true;  // when unsure, never take an address away
  for (const auto& p : *pods)
    if (p.uid == uid) return true;
  return false;
}

// Double fork: the supervisor is re-parented to init (or the nearest sub-reaper) at once, so no
// CLI ever has to reap it. Returns the read end of its report pipe.
Result<UniqueFd> spawn_supervisor(const PodContext& ctx, const PodRecord& r) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return fail(sys_error("pipe"));
  UniqueFd read_end(report[0]), write_end(report[1]);
  std::string podctl = self_exe();
  std::string exe = std::filesystem::path(podctl).parent_path().string() + "/podctl-supervisor";
  std::string log = r.paths.dir + "/supervisor.log";
  std::vector<std::string> args = {"podctl-supervisor",
                                   "--root",
                                   ctx.root.root,
                                   "--namespace",
                                   r.ns,
                                   "--podctl",
                                   podctl,
                                   "--report-fd",
                                   "3",
                                   "--restart-backoff",
                                   r.options.restart_backoff,
                                   "--log-max-size",
                                   std::to_string(r.options.log_max_bytes),
                                   "--log-max-files",
                                   std::to_string(r.options.log_max_files),
                                   "--pids-limit",
                                   std::to_string(r.options.pids_limit),
                                   "--log-level",
                                   ctx.log_level,
                                   r.name};
  const std::string cgroup = r.cgroup + "/supervisor";
  PODCTL_TRY(create_cgroup(cgroup));
  PODCTL_ASSIGN_OR_RETURN(auto cgroup_fd, open_cgroup(cgroup));
  PODCTL_TRY(spawn_detached(exe, std::move(args), log, write_end.get(), cgroup_fd.get()));
  return read_end;
}

Result<std::string> read_report(int fd) {
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
      if (text.find('\n') != std::string::npos) break;  // one line is the whole report
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return text;
}

}  // namespace

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "podctl";
  buf[n] = '\0';
  // Replaced since this process started (an upgrade): the link names the old, unlinked file;
  // the path itself holds the new binary, which is what a process started now must run.
  std::string path = buf;
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
    path.resize(path.size() - deleted.size());
  return path;
}

Result<PodRecord> create_pod(const PodContext& ctx, const manifest::Pod& pod, const std::string& source) {
  PodRecord r;
  r.ns = pod.metadata.namespace_;
  r.name = pod.metadata.name;
  r.uid = new_uid();
  r.creation_timestamp = rfc3339_now();
  r.host_veth = net::host_veth_name(r.uid);
  r.cgroup = pod_cgroup_path(ctx.cgroup_mount, r.uid);
  r.spec_hash = manifest::pod_hash(pod);
  r.pod_level_hash = manifest::pod_level_hash(pod);
  r.options = ctx.pod_options;
  r.source = source;
  r.paths.dir = ctx.root.pod_dir(r.ns, r.name);
  r.spec = manifest::to_json(pod);  // uid and creationTimestamp live in pod.json: the loader refuses them

  PODCTL_TRY(make_dirs(r.paths.dir, 0700));
  auto undo = [&](Error e) {
    if (auto st = cleanup_pod(ctx, r); !st) e.message += "; and then: " + st.error().message;
    return fail(std::move(e));
  };
  net::IpamRange range{ctx.root.ipam_dir(), ctx.net.subnet.network(), ctx.net.subnet.prefix};
  auto ip = net::allocate_ip(range, r.uid, [&](const std::string& uid) { return pod_uid_exists(ctx, uid); });
  if (!ip) return undo(ip.error());
  r.pod_ip = ip_to_string(*ip);
  if (auto st = write_pod_record(r); !st) return undo(st.error());
  if (auto st = create_cgroup(r.cgroup); !st) return undo(st.error());
  auto report_fd = spawn_supervisor(ctx, r);
  if (!report_fd) return undo(report_fd.error());
  auto report = read_report(report_fd->get());
  if (!report || report->rfind("ok", 0) != 0) {
    std::string why = report && !report->empty() ? *report : "the pod supervisor exited before it reported";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    if (why.rfind("error: ", 0) == 0) why = why.substr(7);
    // Let the supervisor finish its own exit before the cleanup looks at the cgroup.
    if (auto again = read_pod_record(ctx.root, r.ns, r.name)) r = *again;
    return undo(make_error(why));
  }
  return read_pod_record(ctx.root, r.ns, r.name);
}

Status update_pod(const PodRecord& record, const manifest::Pod& pod) {
  PodRecord r = record;
  r.spec = manifest::to_json(pod);
  r.spec_hash = manifest::pod_hash(pod);
  r.pod_level_hash = manifest::pod_level_hash(pod);
  PODCTL_TRY(write_pod_record(r));
  if (!r.supervisor || !process_alive(*r.supervisor)) return fail(make_error("the pod's supervisor is not running"));
  auto pidfd = pidfd_open_pid(r.supervisor->pid);
  if (!pidfd || !process_alive(*r.supervisor) || pidfd_send_signal_to(pidfd->get(), SIGHUP) != 0)
    return fail(sys_error("signal the supervisor of pod " + r.name));
  return {};
}

namespace {

struct StopInFlight {
  const PodRecord* record;
  UniqueFd pidfd;
  std::chrono::steady_clock::time_point kill_at;
};

// Writes the stop request and signals the supervisor; nothing when it is not running.
Result<std::optional<StopInFlight>> request_stop(const PodRecord& record, int64_t grace_seconds) {
  if (!record.supervisor || !record.supervisor_alive) return std::optional<StopInFlight>{};
  // Written even without an explicit grace period: `get` shows the pod as Terminating meanwhile.
  int64_t spec_grace =
      record.spec.contains("spec") ? record.spec["spec"].value("terminationGracePeriodSeconds", 30) : 30;
  int64_t grace = grace_seconds >= 0 ? grace_seconds : spec_grace;
  nlohmann::json req{{"gracePeriodSeconds", grace}, {"requestedAt", rfc3339_now()}};
  PODCTL_TRY(write_runtime_file(record.paths.stop_request(), req.dump() + "\n"));
  auto pidfd = pidfd_open_pid(record.supervisor->pid);
  if (!pidfd) return std::optional<StopInFlight>{};  // gone meanwhile
  // The pid could have been reused between the identity check and pidfd_open: check again.
  if (!process_alive(*record.supervisor)) return std::optional<StopInFlight>{};
  if (pidfd_send_signal_to(pidfd->get(), SIGTERM) != 0 && errno != ESRCH)
    return fail(sys_error("signal the supervisor of pod " + record.name));
  // Grace period, then SIGKILL time, then a margin: a supervisor that hangs is killed and cleaned up.
  auto kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(std::min<int64_t>(grace + 15, 3600));
  return std::optional<StopInFlight>{StopInFlight{&record, std::move(*pidfd), kill_at}};
}

}  // namespace

Status stop_pods(const std::vector<PodRecord>& records, int64_t grace_seconds) {
  std::vector<StopInFlight> waiting;
  Status result;
  for (const auto& r : records) {
    auto stop = request_stop(r, grace_seconds);
    if (!stop && result) result = fail(stop.error());
    if (stop && *stop) waiting.push_back(std::move(**stop));
  }
  // All supervisors stop their pods at once; each is waited for until its own deadline.
  while (!waiting.empty()) {
    std::vector<pollfd> fds;
    auto now = std::chrono::steady_clock::now();
    auto first_deadline = waiting[0].kill_at;
    for (const auto& w : waiting) {
      fds.push_back({w.pidfd.get(), POLLIN, 0});
      first_deadline = std::min(first_deadline, w.kill_at);
    }
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(first_deadline - now).count();
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(wait_ms, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("wait for pod supervisors"));
    now = std::chrono::steady_clock::now();
    std::vector<StopInFlight> still;
    for (size_t i = 0; i < waiting.size(); ++i) {
      if (fds[i].revents) continue;  // exited
      if (now < waiting[i].kill_at) {
        still.push_back(std::move(waiting[i]));
        continue;
      }
      if (pidfd_send_signal_to(waiting[i].pidfd.get(), SIGKILL) != 0 && errno != ESRCH && result)
        result = fail(sys_error("kill the supervisor of pod " + waiting[i].record->name));
    }
    waiting = std::move(still);
  }
  return result;
}

Status stop_pod(const PodRecord& record, int64_t grace_seconds) { return stop_pods({record}, grace_seconds); }

Status request_pod_stop(const PodRecord& record, int64_t grace_seconds) {
  PODCTL_TRY(request_stop(record, grace_seconds));
  return {};
}

Status enforce_stop_deadline(const PodRecord& record) {
  auto req = read_json_file(record.paths.stop_request());
  if (!req || !record.supervisor || !record.supervisor_alive) return {};
  std::time_t asked = parse_rfc3339(req->value("requestedAt", ""));
  int64_t grace = req->value("gracePeriodSeconds", int64_t{30});
  if (asked < 0 || std::time(nullptr) < asked + std::min<int64_t>(grace + 15, 3600)) return {};
  auto pidfd = pidfd_open_pid(record.supervisor->pid);
  if (!pidfd || !process_alive(*record.supervisor)) return {};
  if (pidfd_send_signal_to(pidfd->get(), SIGKILL) != 0 && errno != ESRCH)
    return fail(sys_error("kill the supervisor of pod " + record.name));
  return {};
}

Status cleanup_pod(const PodContext& ctx, const PodRecord& record) {
  std::vector<std::string> problems;
  auto note = [&](const Status& st) {
    if (!st) problems.push_back(st.error().message);
  };
  if (!record.cgroup.empty()) {
    note(kill_cgroup(record.cgroup));
    note(remove_cgroup(record.cgroup));
    // The shared parent goes with the last pod (rmdir fails while other pods, of any root, are
    // there; a creation racing with it recreates the parent: see create_cgroup).
    (void)::rmdir(record.cgroup.substr(0, record.cgroup.rfind('/')).c_str());
  }
  if (!record.host_veth.empty()) note(net::delete_host_veth(record.host_veth));
  if (auto ports = read_port_mappings(record.paths.ports()); !ports.empty())
    note(net::remove_port_mappings(ctx.net.bridge, ports));
  if (!record.pod_ip.empty())
    if (auto ip = parse_ip(record.pod_ip)) note(net::release_ip(ctx.root.ipam_dir(), *ip, record.uid));
  if (!record.cgroup.empty()) note(remove_v1_cgroups(record.cgroup));
  if (is_store_name(record.uid)) {
    std::string entry = ctx.root.anti_affinity_dir() + "/" + record.uid;
    if (::unlink(entry.c_str()) != 0 && errno != ENOENT) problems.push_back(sys_error("remove " + entry).message);
  }
  // The record goes first, once what it names is released: listings drop the pod at once instead
  // of showing it half-removed (a stop request already gone, a spec still there). A failure above
  // keeps it, so that a later delete still knows the cgroup and veth to remove.
  if (problems.empty() && ::unlink(record.paths.record().c_str()) != 0 && errno != ENOENT)
    problems.push_back(sys_error("remove " + record.paths.record()).message);
  note(remove_tree(record.paths.dir));
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return fail(make_error("clean up pod " + record.ns + "/" + record.name + ": " + all));
  }
  return {};
}

Status delete_pod(const PodContext& ctx, const PodRecord& record, int64_t grace_seconds) {
  PODCTL_TRY(stop_pod(record, grace_seconds));
  PODCTL_TRY(cleanup_pod(ctx, record));
  return refresh_peer_hosts(ctx, record.ns);
}

std::vector<PeerPod> peer_pods(const NetworkConfig& net, const std::vector<PodRecord>& pods, const std::string& self) {
  std::vector<PeerPod> peers;
  if (!net.pod_name_hosts) return peers;
  for (const auto& q : pods)
    if (q.name != self && !q.pod_ip.empty()) peers.push_back({q.name, q.ns, q.pod_ip});
  return peers;
}

std::vector<PeerPod> service_addresses(const RootPaths& root) {
  std::vector<PeerPod> out;
  auto services = list_objects(root, "services", "");
  if (!services) return out;  // none applied yet
  for (const auto& s : *services) {
    std::string name = s["metadata"]["name"], ns = s["metadata"]["namespace"];
    std::string ip = s["spec"].value("clusterIP", "");
    if (!ip.empty() && ip != "None") {
      out.push_back({name, ns, ip});
      continue;
    }
    // Headless: what its controller last found ready (endpoints.json).
    auto endpoints = read_json_file(root.controller_dir("services", ns, name) + "/endpoints.json");
    if (!endpoints) continue;
    for (const auto& a : endpoints->value("addresses", nlohmann::json::array())) {
      out.push_back({name, ns, a.value("ip", "")});
      if (!a.value("hostname", "").empty()) out.push_back({a.value("hostname", "") + "." + name, ns, a.value("ip", "")});
    }
  }
  return out;
}

Status refresh_all_hosts(const PodContext& ctx) {
  auto namespaces = list_dir(ctx.root.pods_dir());
  if (!namespaces) return {};  // no pod yet
  Status result;
  for (const auto& ns : *namespaces)
    if (is_store_label(ns))
      if (auto st = refresh_namespace_hosts(ctx, ns); !st && result) result = st;
  return result;
}

Status refresh_namespace_hosts(const PodContext& ctx, const std::string& ns) {
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(ctx.root, ns));
  const auto services = service_addresses(ctx.root);
  Status result;
  for (const auto& p : pods) {
    if (!p.supervisor_alive || !path_exists(p.paths.hosts()) || !p.spec.contains("spec")) continue;
    auto peers = peer_pods(ctx.net, pods, p.name);
    auto st = rewrite_in_place(p.paths.hosts(), render_hosts(hosts_entries(p.spec), p.pod_ip, peers, services));
    if (!st && result) result = fail(st.error().wrap("update /etc/hosts of pod " + p.name));
  }
  return result;
}

Status refresh_peer_hosts(const PodContext& ctx, const std::string& ns) {
  if (!ctx.net.pod_name_hosts) return {};
  return refresh_namespace_hosts(ctx, ns);
}

}  // namespace podctl
