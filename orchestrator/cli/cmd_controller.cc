// podctl controller RESOURCE NAME: the process that reconciles one workload object (started by
// apply; not for users). One step per change: at once on SIGHUP, else at the next poll or at a
// time the step asked for; SIGTERM ends it between two steps.
#include <signal.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/files.h"
#include "base/process_identity.h"
#include "manifests/quantity.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

// How often a controller looks at its pods when nothing tells it to (their readiness and exits
// reach it through the store only).
constexpr int64_t kPollMs = 500;
constexpr int64_t kMaxRetryMs = 60'000;

// The object as stored, then the step of its kind; a deleted object leaves nothing to keep.
Result<ControllerStep> step(const ControllerEnv& env) {
  auto stored = get_object(env.ctx.root, env.ref.resource, env.ref.ns, env.ref.name);
  if (!stored && stored.error().code == ENOENT) return ControllerStep{true, std::nullopt};
  if (!stored) return fail(stored.error());
  PODCTL_ASSIGN_OR_RETURN(auto typed, typed_object(*stored));
  if (const auto* d = std::get_if<manifest::Deployment>(&typed)) return reconcile_deployment(env, *stored, *d);
  if (const auto* s = std::get_if<manifest::Service>(&typed)) return reconcile_service(env, *stored, *s);
  if (const auto* j = std::get_if<manifest::Job>(&typed)) return reconcile_job(env, *stored, *j);
  if (const auto* st = std::get_if<manifest::StatefulSet>(&typed)) return reconcile_stateful_set(env, *stored, *st);
  if (const auto* rs = std::get_if<manifest::ReplicaSet>(&typed)) return reconcile_replica_set(env, *stored, *rs);
  return fail(make_error(env.ref.resource + "/" + env.ref.name + ": not an object with a controller"));
}

// Waits for a signal or the timeout. False when told to stop.
bool sleep_until_woken(const sigset_t& signals, int64_t ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  int sig = ::sigtimedwait(&signals, nullptr, &ts);
  return sig != SIGTERM && sig != SIGINT;
}

int run_loop(const ControllerEnv& env, const sigset_t& signals) {
  int64_t retry_ms = 0;
  for (;;) {
    auto result = step(env);
    int64_t wait_ms = kPollMs;
    if (!result) {
      spdlog::error("{}/{}: {}", env.ref.resource, env.ref.name, result.error().message);
    } else if (result->done) {
      spdlog::info("{}/{}: nothing left to reconcile", env.ref.resource, env.ref.name);
      return kExitOk;
    } else if (result->wake_at) {
      wait_ms = std::clamp<int64_t>(*result->wake_at - wall_millis(), 0, kPollMs);
    }
    // A step that failed waits longer each time (the controllers' rate limiter), up to a minute.
    bool failed = !result || result->failed;
    retry_ms = failed ? std::min(kMaxRetryMs, std::max<int64_t>(1000, retry_ms * 2)) : 0;
    if (!sleep_until_woken(signals, std::max(wait_ms, retry_ms))) return kExitOk;
  }
}

}  // namespace

int cmd_controller(const Invocation& inv) {
  if (inv.args.size() != 2 || !is_controlled(inv.args[0]))
    return report_error("usage: podctl controller deployments|replicasets|statefulsets|jobs|services NAME (started by apply)",
                        kExitUsage);
  if (int rc = refuse_invalid_names(inv.args[0], {inv.args[1]})) return rc;
  // Its stderr is its log file (controller.log); stdout is /dev/null.
  spdlog::set_default_logger(spdlog::stderr_logger_st("controller"));
  spdlog::set_level(spdlog::level::from_str(inv.global.log_level));
  ControllerEnv env;
  env.ref = {inv.args[0], inv.global.ns, inv.args[1]};
  env.ctx = read_only_context(inv);
  env.ctx.pod_options.restart_backoff = inv.get<std::string>("restart-backoff");
  env.ctx.pod_options.log_max_bytes = inv.get<int64_t>("log-max-size");
  env.ctx.pod_options.log_max_files = inv.get<int>("log-max-files");
  env.ctx.pod_options.pids_limit = inv.get<int64_t>("pids-limit");
  env.lock = [&inv]() { return open_locked_context(inv, false); };
  auto paths = controller_paths(env.ctx.root, env.ref);
  if (auto st = make_dirs(paths.dir, 0700); !st) return report_error(st.error().message);
  // One controller per object: a second one started by a racing apply leaves at once.
  auto alone = FileLock::try_acquire(paths.dir + "/controller.lock");
  if (!alone) return report_error(alone.error().message);
  if (!*alone) return kExitOk;
  auto me = identify_process(::getpid());
  if (!me) return report_error("cannot read this process's identity");
  if (auto st = write_process_identity(paths.pid(), *me); !st) return report_error(st.error().message);
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, sig);
  // Blocked, so that a stop request waits for the end of the step under way.
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  spdlog::info("controller of {}/{} in namespace {} started", env.ref.resource, env.ref.name, env.ref.ns);
  int rc = run_loop(env, signals);
  (void)::unlink(paths.pid().c_str());  // the identity goes with the process; a stale one is harmless
  return rc;
}

void controller_options(po::options_description& d) {
  d.add_options()("restart-backoff", po::value<std::string>()->default_value("10s:300s"), "as apply's")(
      "log-max-size", po::value<int64_t>()->default_value(10 * 1024 * 1024), "bytes, as apply's")(
      "log-max-files", po::value<int>()->default_value(5), "as apply's")(
      "pids-limit", po::value<int64_t>()->default_value(0), "as apply's");
}

}  // namespace podctl
