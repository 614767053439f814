// podctl run -f FILE|DIR [--timeout D] [--keep]: a one-shot CI job. The objects go into a fresh
// namespace of their own (so that runs at once never see each other's pods by name), logs are
// streamed with [pod/NAME/CONTAINER] prefixes, and the run waits until every pod with
// restartPolicy Never or OnFailure has finished (the others are the job's services). Then a line
// per container, everything removed (also on Ctrl-C, SIGTERM or timeout), and the exit code of
// the first failing container (0 when all succeeded; 124 on timeout; 128+N on signal N). The
// teardown is graceful until a second Ctrl-C or the end of --timeout, and then kills at once.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <set>

#include "base/files.h"
#include "manifests/load.h"
#include "manifests/serialize.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/pod_verdicts.h"
#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/cli/rollout_verdict.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/status/pod_status_json.h"
#include "orchestrator/store/object_store.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {
namespace {

using nlohmann::json;

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_signals = 0;  // how many arrived: one more during the teardown kills at once
void on_signal(int sig) {
  g_signal = sig;
  g_signals = g_signals + 1;
}

// Without SA_RESTART, so that a wait is interrupted and notices.
void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &sa, nullptr);
}

std::string fresh_namespace() { return "run-" + new_uid().substr(0, 8); }

// podctl itself, with this invocation's global options, in the run's namespace.
// `steadfast`: the child ignores SIGINT and SIGTERM, so that a second Ctrl-C (sent to the whole
// process group) cannot stop a teardown half-way and leave the run's pods behind.
pid_t start_podctl(const Invocation& inv, const std::string& ns, std::vector<std::string> args, int stdin_fd = -1,
                   bool quiet = false, bool steadfast = false) {
  std::vector<std::string> argv = {"podctl", "--root",      inv.global.root,     "--namespace",
                                   ns,       "--log-level", inv.global.log_level};
  if (!inv.global.bridge.empty()) argv.insert(argv.end(), {"--bridge", inv.global.bridge});
  if (!inv.global.subnet.empty()) argv.insert(argv.end(), {"--subnet", inv.global.subnet});
  if (!inv.global.outbound.empty()) argv.insert(argv.end(), {"--outbound", inv.global.outbound});
  if (!inv.global.seccomp_default.empty()) argv.insert(argv.end(), {"--seccomp-default", inv.global.seccomp_default});
  if (!inv.global.service_subnet.empty()) argv.insert(argv.end(), {"--service-cidr", inv.global.service_subnet});
  if (!inv.global.pod_name_hosts.empty()) argv.insert(argv.end(), {"--pod-name-hosts", inv.global.pod_name_hosts});
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::string exe = self_exe();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (stdin_fd >= 0) ::dup2(stdin_fd, 0);
    if (quiet) ::dup2(::open("/dev/null", O_WRONLY | O_CLOEXEC), 1);
    if (steadfast)
      for (int sig : {SIGINT, SIGTERM}) (void)::signal(sig, SIG_IGN);  // cannot fail for these; kept across exec
    ::execv(exe.c_str(), c_argv.data());
    ::_exit(127);
  }
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 1;
  return exit_code_of(status);
}

// The removal of what a run made. It is graceful until the user interrupts again or the run's
// --timeout passes; from then on every pod of the run is asked to stop with no grace period, so
// the step under way ends as soon as the supervisors have killed their containers. Nothing is
// skipped: the same steps still remove every pod and object.
struct Teardown {
  const Invocation& inv;
  RootPaths root;
  std::string ns;
  std::chrono::steady_clock::time_point deadline;
  int signals_before = 0;
  bool forcing = false;
  std::set<std::string> forced_pods;
  std::vector<std::string> killed;  // pod/NAME/CONTAINER, for the summary
};

// The containers of a pod's last status that are running.
std::vector<std::string> running_containers(const PodRecord& record) {
  std::vector<std::string> names;
  json status = pod_object(record)["status"];
  for (const char* list : {"initContainerStatuses", "containerStatuses"})
    for (const auto& c : status.value(list, json::array()))
      if (c.contains("state") && c["state"].contains("running")) names.push_back(c.value("name", ""));
  return names;
}

void force_stop_pods(Teardown& t) {
  auto records = list_pod_records(t.root, t.ns);
  if (!records) return;
  for (const auto& r : *records) {
    if (!r.supervisor_alive || !t.forced_pods.insert(r.uid).second) continue;
    for (const auto& c : running_containers(r)) t.killed.push_back("pod/" + r.name + "/" + c);
    if (auto st = request_pod_stop(r, 0); !st) std::cerr << "pod/" << r.name << ": " << st.error().message << "\n";
  }
}

void start_forcing(Teardown& t) {
  t.forcing = true;
  bool interrupted = g_signals > t.signals_before;
  std::cerr << (interrupted ? "interrupted again" : "the run's timeout has passed")
            << ": killing the run's pods at once (everything is still removed)" << std::endl;
}

// Waits for one teardown step, a podctl child that ignores SIGINT and SIGTERM.
int wait_teardown_step(pid_t pid, Teardown& t) {
  auto pidfd = pidfd_open_pid(pid);
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return exit_code_of(status);
    if (done < 0 && errno != EINTR) return 1;
    if (!t.forcing && (g_signals > t.signals_before || std::chrono::steady_clock::now() >= t.deadline))
      start_forcing(t);
    // Also the pods a controller made meanwhile, or that a step has not reached yet.
    if (t.forcing) force_stop_pods(t);
    pollfd pfd{pidfd ? pidfd->get() : -1, POLLIN, 0};
    (void)::poll(&pfd, 1, 100);  // a signal or the child's exit ends it early
  }
}

int run_podctl(const Invocation& inv, const std::string& ns, const std::vector<std::string>& args,
               const std::string* input = nullptr) {
  std::cout << std::flush;
  int fds[2] = {-1, -1};
  if (input && ::pipe2(fds, O_CLOEXEC) != 0) return 1;
  pid_t pid = start_podctl(inv, ns, args, fds[0]);
  if (input) {
    close_fd(fds[0]);
    (void)!::write(fds[1], input->data(), input->size());  // manifests are small: fits the pipe or is read at once
    close_fd(fds[1]);
  }
  return pid < 0 ? 1 : wait_exit(pid);
}

// A step of the teardown: quiet, and steadfast, so that a second Ctrl-C (sent to the whole process
// group) cannot stop it half-way and leave the run's pods behind.
void teardown_step(Teardown& t, const std::vector<std::string>& args) {
  std::cout << std::flush;
  pid_t pid = start_podctl(t.inv, t.ns, args, -1, true, true);
  if (pid > 0) wait_teardown_step(pid, t);
}

bool is_job(const manifest::Pod& pod) {
  return manifest::restart_policy_of(pod.spec) != manifest::RestartPolicy::Always;
}

WatchResult finished(const RootPaths& root, const std::string& ns, const std::string& name) {
  if (g_signal) return {WatchVerdict::kFailed, "interrupted"};
  auto record = read_pod_record(root, ns, name);
  if (!record) return {WatchVerdict::kFailed, "pod " + name + " is gone"};
  auto status = parse_pod_status(pod_object(*record)["status"]);
  if (!status) return {WatchVerdict::kFailed, "status of pod " + name + ": " + status.error().message};
  return run_verdict(*status, name);
}

// The pods a Job made, oldest first (their specs as stored).
std::vector<manifest::Pod> job_pods(const RootPaths& root, const std::string& ns, const std::string& job) {
  std::vector<manifest::Pod> out;
  auto object = get_object(root, "jobs", ns, job);
  auto records = list_pod_records(root, ns);
  if (!object || !records) return out;
  std::vector<PodRecord> owned = pods_owned_by(*records, (*object)["metadata"].value("uid", ""));
  std::sort(owned.begin(), owned.end(),
            [](const auto& a, const auto& b) { return a.creation_timestamp < b.creation_timestamp; });
  for (const auto& r : owned)
    if (auto spec = read_stored_spec(r.paths, ns)) out.push_back(*spec);
  return out;
}

// One line per container, and the first failure's exit code (see run_report).
int summarize(const RootPaths& root, const std::string& ns, const std::vector<manifest::Pod>& pods) {
  int rc = 0;
  for (const auto& pod : pods) {
    auto record = read_pod_record(root, ns, pod.metadata.name);
    if (!record) continue;
    auto status = parse_pod_status(pod_object(*record)["status"]);
    if (!status) {
      std::cerr << "pod/" << pod.metadata.name << ": status: " << status.error().message << "\n";
      if (rc == 0) rc = 1;
      continue;
    }
    std::vector<std::string> sidecars;
    for (const auto& c : pod.spec.init_containers)
      if (manifest::is_restartable(c)) sidecars.push_back(c.name);
    RunReport report = run_report(pod.metadata.name, *status, is_job(pod), sidecars);
    for (const auto& line : report.lines) std::cout << line << "\n";
    if (rc == 0) rc = report.exit_code;
  }
  return rc;
}

// The jobs' log streams end by themselves once their pods have ended (after printing what is
// left); the services' never do, and are stopped.
void stop_followers(const std::vector<std::pair<pid_t, bool>>& followers, bool jobs_done) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (const auto& [pid, job] : followers) {
    if (!job || !jobs_done) ::kill(pid, SIGTERM);
    while (job && jobs_done && ::waitpid(pid, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) ::kill(pid, SIGTERM);
      ::usleep(20'000);
    }
    wait_exit(pid);
  }
}

void tear_down(Teardown& t) {
  std::cout << std::flush;
  const RootPaths& root = t.root;
  const std::string& ns = t.ns;
  t.signals_before = g_signals;
  // Controllers first, so that nothing makes pods again while they go.
  for (const char* kind : {"deployments", "replicasets", "statefulsets", "jobs", "services"})
    if (auto objects = list_objects(root, kind, ns); objects && !objects->empty())
      teardown_step(t, {"delete", kind, "--all", "--ignore-not-found"});
  auto pods = list_pod_records(root, ns);
  if (pods && !pods->empty()) {
    int64_t grace = 0;
    for (const auto& p : *pods)
      grace = std::max<int64_t>(grace, p.spec["spec"].value("terminationGracePeriodSeconds", 30));
    auto left = std::chrono::duration_cast<std::chrono::seconds>(t.deadline - std::chrono::steady_clock::now());
    if (!t.forcing && left.count() > 0) {
      std::cerr << "removing the run's pods (each stops within its grace period, at most "
                << std::min<int64_t>(grace, left.count()) << "s; Ctrl-C again kills them at once)" << std::endl;
    }
    teardown_step(t, {"delete", "pods", "--all", "--ignore-not-found"});
  }
  for (const char* kind : {"configmaps", "secrets", "persistentvolumeclaims"})
    if (auto objects = list_objects(root, kind, ns); objects && !objects->empty())
      teardown_step(t, {"delete", kind, "--all", "--ignore-not-found"});
  for (const char* dir : {"pods", "configmaps", "secrets", "deployments", "replicasets", "statefulsets", "jobs", "services",
                          "persistentvolumeclaims", "volumes", "controllers/deployments", "controllers/replicasets",
                          "controllers/statefulsets", "controllers/jobs", "controllers/services"})
    ::rmdir((root.root + "/" + dir + "/" + ns).c_str());
  for (const auto& k : t.killed) std::cout << k << ": killed at once (no grace period)\n";
}

}  // namespace

int cmd_run(const Invocation& inv) {
  if (!inv.has("filename")) return report_error("run needs -f FILE|DIR", kExitUsage);
  std::string ns = fresh_namespace();
  manifest::LoadOptions lo;
  lo.default_namespace = ns;
  auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e << "\n";
    return kExitUsage;
  }
  auto timeout = duration_flag_ms(inv, "timeout");
  if (!timeout) return report_error(timeout.error().message, kExitUsage);
  std::string manifests;
  std::vector<manifest::Pod> pods;
  std::vector<std::string> jobs, job_objects;
  for (auto& o : loaded.objects) {
    std::visit([&](auto& x) { x.metadata.namespace_ = ns; }, o.object);
    manifests += std::visit([](const auto& x) { return manifest::to_json(x); }, o.object).dump() + "\n---\n";
    if (const auto* pod = std::get_if<manifest::Pod>(&o.object)) {
      pods.push_back(*pod);
      if (is_job(*pod)) jobs.push_back(pod->metadata.name);
    }
    if (const auto* job = std::get_if<manifest::Job>(&o.object)) job_objects.push_back(job->metadata.name);
  }
  if (jobs.empty() && job_objects.empty())
    return report_error(
        "nothing to run: no Job, and no pod has restartPolicy Never or OnFailure (pods with Always are services "
        "that a run starts beside its jobs)",
        kExitUsage);
  catch_stop_signals();
  RootPaths root{inv.global.root};
  // --timeout bounds the whole run: the apply, the wait and the teardown.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout > 0 ? *timeout : 1LL << 40);
  Teardown teardown{inv, root, ns, deadline};
  std::cout << "namespace " << ns << std::endl;
  int rc = run_podctl(inv, ns, {"apply", "-f", "-"}, &manifests);
  if (rc != 0 && !g_signal) {
    tear_down(teardown);
    return rc;
  }
  std::vector<std::pair<pid_t, bool>> followers;  // pid, follows a job (ends by itself)
  std::cout << std::flush;
  for (const auto& pod : pods)
    followers.push_back(
        {start_podctl(inv, ns, {"logs", pod.metadata.name, "--all-containers", "-f", "--prefix"}), is_job(pod)});
  auto [name, result] = watch_pods(
      root, ns, jobs, [&](const std::string& n) { return finished(root, ns, n); }, deadline);
  // Job objects: until Complete or Failed, then their pods' logs and lines in the summary.
  std::vector<std::string> failed_jobs;
  for (const auto& job : job_objects) {
    if (result.verdict != WatchVerdict::kMet || g_signal) break;
    auto outcome = wait_for_rollout(root, {"jobs", ns, job}, deadline);
    if (g_signal) break;
    if (outcome.verdict == WatchVerdict::kNotYet) {
      name = job, result = outcome;
      break;
    }
    for (const auto& p : job_pods(root, ns, job)) {
      run_podctl(inv, ns, {"logs", p.metadata.name, "--all-containers", "--prefix"});
      pods.push_back(p);
    }
    std::cout << outcome.detail << std::endl;
    if (outcome.verdict == WatchVerdict::kFailed) failed_jobs.push_back(job);
  }
  stop_followers(followers, result.verdict == WatchVerdict::kMet && !g_signal);
  if (result.verdict == WatchVerdict::kNotYet) {
    std::cerr << "error: timed out after " << inv.get<std::string>("timeout") << " waiting for pod/" << name << " ("
              << result.detail << ")\n";
    rc = 124;
  } else if (g_signal) {
    std::cerr << "interrupted: removing what the run made\n";
    rc = 128 + g_signal;
  } else if (result.verdict == WatchVerdict::kFailed) {
    std::cerr << "error: " << result.detail << "\n";
    rc = 1;
  }
  int summary_rc = summarize(root, ns, pods);
  if (rc == 0) rc = summary_rc;
  // A Job that failed without a failing container to name (its deadline, say) still fails the run.
  if (rc == 0 && !failed_jobs.empty()) rc = 1;
  if (inv.vm["keep"].as<bool>() && !g_signal)
    std::cout << "kept namespace " << ns << " (remove it with: podctl -n " << ns << " delete pods --all)\n";
  else
    tear_down(teardown);
  return rc;
}

void run_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>(), "manifest file or directory; repeatable")(
      "timeout", po::value<std::string>()->default_value("0"),
      "give up after this long (30s, 10m; 0: no limit); exit 124")(
      "keep", po::bool_switch()->default_value(false), "leave the pods in place afterwards (for debugging)");
}

}  // namespace podctl
