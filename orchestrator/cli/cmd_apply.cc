// podctl apply -f FILE|DIR|- : create, replace or leave unchanged each object, as kubectl apply.
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>

#include "base/files.h"
#include "manifests/load.h"
#include "manifests/quantity.h"
#include "manifests/serialize.h"
#include "orchestrator/cli/apply_watch.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/pod_verdicts.h"
#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/cli/rollout_verdict.h"
#include "orchestrator/cli/stored_update.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/pods/claims.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/plan/backoff.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/status/pod_status_json.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using manifest::ConfigMap;
using manifest::Pod;

// After an update, wait until the supervisor has taken the new spec (its containers restarted).
Status wait_for_update(const PodContext& ctx, const PodRecord& record, const Pod& pod) {
  std::string want = manifest::pod_hash(pod);
  int64_t grace = std::max<int64_t>(pod.spec.termination_grace_period_seconds, 2);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace + 15);
  auto result = watch_pods(
                    ctx.root, record.ns, {record.name},
                    [&](const std::string& name) -> WatchResult {
                      auto r = read_pod_record(ctx.root, record.ns, name);
                      if (!r || !r->supervisor_alive) return {WatchVerdict::kFailed, "the pod's supervisor stopped"};
                      const auto& runtime = r->status.value("runtime", nlohmann::json::object());
                      return {runtime.value("specHash", "") == want ? WatchVerdict::kMet : WatchVerdict::kNotYet,
                              "update pending"};
                    },
                    deadline)
                    .second;
  if (result.verdict == WatchVerdict::kMet) return {};
  return fail(make_error(result.verdict == WatchVerdict::kFailed ? result.detail
                                                                 : "the supervisor did not take the new spec in time"));
}

// Checks made before anything changes, so that a bad apply changes nothing.
std::optional<PodRecord> find_pod(const PodContext& ctx, const Pod& pod) {
  auto r = read_pod_record(ctx.root, pod.metadata.namespace_, pod.metadata.name);
  if (r) return *r;
  // A directory without a record is a creation that died half-way: treat it as a pod to heal.
  PodRecord partial = unrecorded_pod(ctx.root, pod.metadata.namespace_, pod.metadata.name);
  if (path_exists(partial.paths.dir)) return partial;
  return std::nullopt;
}

// Fields the API server refuses to change once the object exists (a Job's template and
// completions, a workload's selector): the message names the first one, as kubectl shows it.
Status check_immutable(const PodContext& ctx, const std::string& kind, const nlohmann::json& object) {
  static const std::map<std::string, std::vector<std::string>> kImmutable = {
      {"jobs", {"template", "completionMode", "selector"}},
      {"deployments", {"selector"}},
      {"replicasets", {"selector"}}};
  auto fields = kImmutable.find(kind);
  if (fields == kImmutable.end()) return {};
  const auto& meta = object["metadata"];
  auto existing = get_object(ctx.root, kind, meta["namespace"], meta["name"]);
  if (!existing) return {};
  for (const auto& f : fields->second) {
    auto before = (*existing)["spec"].value(f, nlohmann::json()), after = object["spec"].value(f, nlohmann::json());
    if (before != after)
      return fail(make_error("the " + singular(kind) + " is invalid: spec." + f +
                             ": field is immutable (delete it and apply it again)"));
  }
  return {};
}

// A Service keeps its cluster IP (or gets one); every pod's /etc/hosts learns its names.
Result<std::string> put_service(const PodContext& ctx, const nlohmann::json& object) {
  const auto& meta = object["metadata"];
  auto existing = get_object(ctx.root, "services", meta["namespace"], meta["name"]);
  PODCTL_ASSIGN_OR_RETURN(auto stored,
                          with_addresses(ctx, object, existing ? std::optional(*existing) : std::nullopt));
  PODCTL_ASSIGN_OR_RETURN(auto verb, put_object(ctx.root, "services", stored));
  if (verb != "unchanged")
    if (auto st = refresh_all_hosts(ctx); !st) std::cerr << "warning: " << st.error().message << "\n";
  return verb;
}

int apply_dry_run(const Invocation& inv, const std::vector<manifest::LoadedObject>& objects) {
  PodContext ctx = read_only_context(inv);
  for (const auto& o : objects) {
    const auto& meta = manifest::metadata_of(o.object);
    std::string verb = "created";
    if (const auto* pod = std::get_if<Pod>(&o.object)) {
      auto action = plan_apply(find_pod(ctx, *pod), *pod);
      verb = action == PodAction::Unchanged                                ? "unchanged"
             : action == PodAction::Replace || action == PodAction::Update ? "configured"
                                                                           : "created";
      std::cout << "pod/" << meta.name << " " << verb << " (dry run)\n";
    } else {
      std::string kind = resource_of(o.object);
      bool exists = get_object(ctx.root, kind, meta.namespace_, meta.name).has_value();
      std::cout << printed_kind(kind) << "/" << meta.name << " " << (exists ? "configured" : "created")
                << " (dry run)\n";
    }
  }
  return kExitOk;
}

// apply --wait's verdict on one pod (see apply_wait_verdict).
WatchResult ready_or_failed(const PodContext& ctx, const std::string& ns, const std::string& name) {
  auto r = read_pod_record(ctx.root, ns, name);
  if (!r) return {WatchVerdict::kFailed, "the pod is gone"};
  nlohmann::json pod = pod_object(*r);
  auto status = parse_pod_status(pod["status"]);
  if (!status) return {WatchVerdict::kFailed, "status of pod " + name + ": " + status.error().message};
  return apply_wait_verdict(*status, manifest::restart_policy_named(pod["spec"].value("restartPolicy", "Always")));
}

int wait_for_applied(const PodContext& ctx, const std::vector<manifest::LoadedObject>& objects, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  for (const auto& o : objects) {
    std::string resource = resource_of(o.object);
    if (is_workload(resource)) {
      const auto& meta = manifest::metadata_of(o.object);
      auto result = wait_for_rollout(ctx.root, {resource, meta.namespace_, meta.name}, deadline);
      if (result.verdict == WatchVerdict::kFailed) return report_error(result.detail);
      if (result.verdict == WatchVerdict::kNotYet)
        return report_error("timed out waiting for " + printed_kind(resource) + "/" + meta.name + " (" +
                            result.detail + ")");
      std::cout << result.detail << "\n";
      continue;
    }
    const auto* pod = std::get_if<Pod>(&o.object);
    if (!pod) continue;
    const std::string& ns = pod->metadata.namespace_;
    const std::string& name = pod->metadata.name;
    auto result = watch_pods(
                      ctx.root, ns, {name}, [&](const std::string& n) { return ready_or_failed(ctx, ns, n); }, deadline)
                      .second;
    if (result.verdict == WatchVerdict::kFailed) return report_error("pod/" + name + " failed: " + result.detail);
    if (result.verdict == WatchVerdict::kNotYet)
      return report_error("timed out waiting for pod/" + name + " (" + result.detail + ")");
    std::cout << "pod/" << name << " " << (result.detail == "Succeeded" ? "succeeded" : "ready") << "\n";
  }
  return kExitOk;
}

// Runs `wait` without the root's lock, so that other commands go on meanwhile (a grace period can
// be long), then takes the lock again.
Status without_lock(LockedContext& locked, const std::function<Status()>& wait) {
  locked.lock.release();
  Status st = wait();
  auto again = FileLock::acquire(locked.ctx.root.lock());
  if (!again) return fail(again.error());
  locked.lock = std::move(*again);
  return st;
}

// After a wait without the lock: the pod must still be the one stopped, or gone.
Status check_unchanged(const PodContext& ctx, const PodRecord& stopped) {
  auto now = read_pod_record(ctx.root, stopped.ns, stopped.name);
  if (now && now->uid != stopped.uid)
    return fail(make_error("another command replaced the pod meanwhile; apply again"));
  return {};
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Where an object came from, to tell one project's pod from another's of the same name: the
// manifest file's absolute path, or STDIN.
std::string source_of(const manifest::LoadedObject& o) {
  if (o.file == "STDIN") return o.file;
  std::error_code ec;
  auto path = std::filesystem::weakly_canonical(o.file, ec);
  return ec ? o.file : path.string();
}

// Two projects that name a pod alike replace each other's pod in one namespace: said before it
// happens, with the way out.
void warn_other_source(const PodRecord& existing, const std::string& source, const std::string& name) {
  if (existing.source.empty() || existing.source == source) return;
  std::cerr << "warning: pod/" << name << " was applied from " << existing.source << ", not from " << source
            << ": it is replaced (give each project its own namespace: -n NAME, or a .podctl file with "
               "\"namespace: NAME\" in the project's directory)\n";
}

int apply_once(const Invocation& inv) {
  manifest::LoadOptions lo;
  lo.default_namespace = inv.global.ns;
  lo.namespace_explicit = inv.global.ns_explicit;
  auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e << "\n";
    std::cerr << "error: nothing was applied (" << loaded.errors.size() << " error"
              << (loaded.errors.size() == 1 ? "" : "s") << ")\n";
    return kExitUsage;
  }
  if (inv.vm["dry-run"].as<bool>()) return apply_dry_run(inv, loaded.objects);
  std::string backoff = inv.get<std::string>("restart-backoff");
  if (!plan::parse_backoff_policy(backoff.c_str()))
    return report_error("--restart-backoff \"" + backoff + "\": expected INITIAL:MAX such as 10s:300s or 1s:60s",
                        kExitUsage);

  auto locked = open_locked_context(inv, true);
  if (!locked) return report_error(locked.error().message);
  PodContext& ctx = locked->ctx;
  ctx.pod_options.restart_backoff = backoff;
  std::string why;
  auto max_size = manifest::parse_quantity(inv.get<std::string>("log-max-size"), &why);
  if (!max_size || max_size->value() < 1024)
    return report_error(
        "--log-max-size \"" + inv.get<std::string>("log-max-size") + "\": a size such as 10Mi (at least 1Ki)",
        kExitUsage);
  ctx.pod_options.log_max_bytes = max_size->value();
  ctx.pod_options.log_max_files = inv.get<int>("log-max-files");
  if (ctx.pod_options.log_max_files < 2) return report_error("--log-max-files must be at least 2", kExitUsage);
  ctx.pod_options.pids_limit = inv.get<int64_t>("pids-limit");
  if (ctx.pod_options.pids_limit < 0) return report_error("--pids-limit must be 0 (no limit) or more", kExitUsage);
  int rc = kExitOk;
  for (const auto& o : loaded.objects) {
    if (!std::holds_alternative<Pod>(o.object)) {
      std::string kind = resource_of(o.object), name = manifest::metadata_of(o.object).name;
      auto object = std::visit([](const auto& x) { return manifest::to_json(x); }, o.object);
      if (auto stored = get_object(ctx.root, kind, manifest::metadata_of(o.object).namespace_, name))
        keep_omitted_fields(*stored, o.positions, object);
      Result<std::string> verb = fail(make_error(""));
      if (auto st = check_immutable(ctx, kind, object); !st)
        verb = fail(st.error());
      else
        verb = kind == "services" ? put_service(ctx, object) : put_object(ctx.root, kind, object);
      if (verb && kind == "persistentvolumeclaims") {  // bound at once, as the local-path provisioner does
        auto stored = get_object(ctx.root, kind, manifest::metadata_of(o.object).namespace_, name);
        if (auto st = stored ? provision_claim(ctx.root, *stored) : Status(fail(stored.error())); !st)
          verb = fail(st.error());
      }
      if (verb && is_controlled(kind)) {
        // Started when missing (the first apply, or a controller killed or lost in a reboot);
        // told at once when it runs and the object changed.
        ControllerRef ref{kind, manifest::metadata_of(o.object).namespace_, name};
        if (*verb == "configured") wake_controller(ctx.root, ref);
        if (auto st = ensure_controller(ctx, ref); !st) verb = fail(st.error());
      }
      if (!verb)
        rc = report_error(printed_kind(kind) + "/" + name + ": " + verb.error().message);
      else
        std::cout << printed_kind(kind) << "/" << name << " " << *verb << "\n";
      continue;
    }
    const Pod& pod = std::get<Pod>(o.object);
    auto existing = find_pod(ctx, pod);
    PodAction action = plan_apply(existing, pod);
    if (action == PodAction::Unchanged) {
      std::cout << "pod/" << pod.metadata.name << " unchanged\n";
      continue;
    }
    const std::string source = source_of(o);
    if (existing && (action == PodAction::Update || action == PodAction::Replace))
      warn_other_source(*existing, source, pod.metadata.name);
    // What takes time is said before it starts (a grace period can be long), on stderr so that
    // stdout keeps kubectl's lines.
    const int64_t old_grace = existing ? existing->spec["spec"].value("terminationGracePeriodSeconds", 30) : 0;
    if (action == PodAction::Update) {
      std::cerr << "pod/" << pod.metadata.name << ": containers changed: restarting them (grace period " << old_grace
                << "s)\n";
      auto st = update_pod(*existing, pod);
      if (st) st = without_lock(*locked, [&] { return wait_for_update(ctx, *existing, pod); });
      if (!st)
        rc = report_error("pod/" + pod.metadata.name + ": " + st.error().message);
      else
        std::cout << "pod/" << pod.metadata.name << " configured\n";
      continue;
    }
    if (action == PodAction::Heal)
      std::cerr << "warning: pod/" << pod.metadata.name
                << ": its supervisor was not running; cleaning up what it left before starting it again\n";
    if (action == PodAction::Replace)
      std::cerr << "pod/" << pod.metadata.name << ": pod-level fields changed: stopping the old pod (grace period "
                << old_grace << "s)\n";
    if (action == PodAction::Replace || action == PodAction::Heal) {
      auto st = without_lock(*locked, [&] { return stop_pod(*existing, -1); });
      if (st) st = check_unchanged(ctx, *existing);
      if (st) st = cleanup_pod(ctx, *existing);
      if (!st) {
        rc = report_error("pod/" + pod.metadata.name + ": " + st.error().message);
        continue;
      }
    }
    auto created = create_pod(ctx, pod, source);
    if (!created) {
      rc = report_error("pod/" + pod.metadata.name + ": " + created.error().message);
      continue;
    }
    // The pod runs; other pods not finding it by name yet is worth a warning, not a failure.
    if (auto st = refresh_peer_hosts(ctx, pod.metadata.namespace_); !st)
      std::cerr << "warning: " << st.error().message << "\n";
    std::cout << "pod/" << pod.metadata.name << " " << (action == PodAction::Replace ? "configured" : "created")
              << "\n";
  }
  if (rc != kExitOk || !inv.has("wait")) return rc;
  // The lock is not needed to watch; releasing it lets other podctl commands go on meanwhile.
  locked->lock.release();
  std::cout << std::flush;
  auto wait = duration_flag_ms(inv, "wait");
  if (!wait) return report_error(wait.error().message, kExitUsage);
  return wait_for_applied(ctx, loaded.objects, static_cast<double>(*wait) / 1000);
}

}  // namespace

int cmd_apply(const Invocation& inv) {
  if (!inv.has("filename")) return report_error("apply needs -f FILE|DIR|- (see podctl apply --help)", kExitUsage);
  if (!inv.vm["watch"].as<bool>()) return apply_once(inv);
  if (inv.has("wait") || inv.vm["dry-run"].as<bool>())
    return report_error("--watch cannot be combined with --wait or --dry-run", kExitUsage);
  return watch_and_apply(inv, [&] { return apply_once(inv); });
}

void apply_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>(),
                  "manifest file, directory (*.yaml, *.yml, *.json) or - for stdin; repeatable")(
      "dry-run", po::bool_switch()->default_value(false), "validate and print what would happen; change nothing")(
      "watch", po::bool_switch()->default_value(false),
      "keep running and apply again whenever a manifest file changes")(
      "wait", po::value<std::string>()->implicit_value("5m"),
      "--wait[=DURATION]: return once every applied pod is Ready or Succeeded and every Deployment and ReplicaSet "
      "rolled out (default 5m); fail at once if one fails")(
      "restart-backoff", po::value<std::string>()->default_value(env_or("PODCTL_RESTART_BACKOFF", "10s:300s")),
      "crash-loop backoff INITIAL:MAX (env PODCTL_RESTART_BACKOFF); the default matches Kubernetes")(
      "log-max-size", po::value<std::string>()->default_value(env_or("PODCTL_LOG_MAX_SIZE", "10Mi")),
      "rotate a container's log file past this size (env PODCTL_LOG_MAX_SIZE), as the kubelet's containerLogMaxSize")(
      "log-max-files", po::value<int>()->default_value(std::atoi(env_or("PODCTL_LOG_MAX_FILES", "5").c_str())),
      "log files kept per container (env PODCTL_LOG_MAX_FILES), as the kubelet's containerLogMaxFiles")(
      "pids-limit", po::value<int64_t>()->default_value(std::atoll(env_or("PODCTL_PIDS_LIMIT", "0").c_str())),
      "at most this many processes in each container (env PODCTL_PIDS_LIMIT); 0: no limit");
}

}  // namespace podctl
