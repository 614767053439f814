// podctl delete pod NAME… | -f FILE|DIR | --all : graceful termination, then nothing left behind.
#include <iostream>

#include "base/files.h"
#include "manifests/load.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/workload_delete.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

int cmd_delete(const Invocation& inv) {
  struct Target {
    std::string kind, ns, name;
  };
  std::vector<Target> targets;
  bool all = inv.vm["all"].as<bool>();
  if (inv.has("filename")) {
    manifest::LoadOptions lo;
    lo.default_namespace = inv.global.ns;
    lo.check_implemented = false;  // deleting what an older podctl accepted must still work
    auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
    if (!loaded.ok()) {
      for (const auto& e : loaded.errors) std::cerr << e << "\n";
      return kExitUsage;
    }
    for (const auto& o : loaded.objects) {
      const auto& m = manifest::metadata_of(o.object);
      targets.push_back({resource_of(o.object), m.namespace_, m.name});
    }
  } else {
    if (inv.args.empty())
      return report_error("delete needs -f FILE, or a type and names: podctl delete pod NAME", kExitUsage);
    std::string kind = resource_kind(inv.args[0]);
    if (kind.empty())
      return report_error("unknown resource type \"" + inv.args[0] +
                              "\" (podctl has pods, configmaps, secrets, deployments, replicasets)",
                          kExitUsage);
    if (inv.args.size() < 2 && !all)
      return report_error("delete " + inv.args[0] + " needs names, or --all", kExitUsage);
    if (int bad = refuse_invalid_names(singular(kind), {inv.args.begin() + 1, inv.args.end()})) return bad;
    for (size_t i = 1; i < inv.args.size(); ++i) targets.push_back({kind, inv.global.ns, inv.args[i]});
    if (all) {
      if (kind == "pods") {
        if (auto pods = list_pod_records(RootPaths{inv.global.root}, inv.global.ns))
          for (const auto& p : *pods) targets.push_back({kind, p.ns, p.name});
      } else if (auto objects = list_objects(RootPaths{inv.global.root}, kind, inv.global.ns)) {
        for (const auto& c : *objects) targets.push_back({kind, inv.global.ns, c["metadata"]["name"]});
      }
    }
  }
  int64_t grace = inv.has("grace-period") ? inv.get<int64_t>("grace-period") : -1;
  if (grace < -1) return report_error("--grace-period must be 0 or more", kExitUsage);
  if (targets.empty()) {
    std::cerr << "No resources found\n";
    return kExitOk;
  }
  std::string cascade = inv.get<std::string>("cascade");
  if (cascade != "background" && cascade != "foreground" && cascade != "orphan")
    return report_error("--cascade must be background, foreground or orphan, not \"" + cascade + "\"", kExitUsage);
  bool ignore = inv.vm["ignore-not-found"].as<bool>();
  int rc = kExitOk;
  // Workloads first, without the root's lock: their controllers take it for each pod they make,
  // and must be able to finish that step to stop.
  std::vector<Target> rest;
  for (const auto& t : targets) {
    if (!is_workload(t.kind)) {
      rest.push_back(t);
      continue;
    }
    ControllerEnv env;
    env.ref = {t.kind, t.ns, t.name};
    env.ctx = read_only_context(inv);
    env.lock = [&inv]() { return open_locked_context(inv, false); };
    auto st = delete_workload(env, cascade == "orphan" ? Cascade::Orphan : Cascade::Delete, grace);
    if (!st && !(ignore && st.error().code == ENOENT))
      rc = report_error(st.error().message);
    else if (st)
      std::cout << printed_kind(t.kind) << " \"" << t.name << "\" deleted\n";
  }
  targets = rest;
  if (targets.empty()) return rc;
  auto locked = open_locked_context(inv, false);
  if (!locked) {
    if (locked.error().code == ENOENT && inv.vm["ignore-not-found"].as<bool>()) return kExitOk;
    return report_error(locked.error().message);
  }
  for (const auto& t : targets) {
    if (t.kind != "pods") {
      auto st = delete_object(locked->ctx.root, t.kind, t.ns, t.name);
      if (!st && !(ignore && st.error().code == ENOENT))
        rc = report_error(st.error().message);
      else if (st)
        std::cout << singular(t.kind) << " \"" << t.name << "\" deleted\n";
      continue;
    }
    auto record = read_pod_record(locked->ctx.root, t.ns, t.name);
    if (!record) {
      PodRecord partial = unrecorded_pod(locked->ctx.root, t.ns, t.name);
      if (path_exists(partial.paths.dir)) {
        // A creation that died half-way: what it left goes, or the delete fails saying what stayed.
        if (auto st = cleanup_pod(locked->ctx, partial); !st)
          rc = report_error(st.error().message);
        else
          std::cout << "pod \"" << t.name << "\" deleted\n";
      } else if (!ignore) {
        rc = report_error("pods \"" + t.name + "\" not found");
      }
      continue;
    }
    if (!record->supervisor_alive)
      std::cerr << "warning: pod/" << t.name << ": its supervisor was not running; cleaning up what it left\n";
    if (auto st = delete_pod(locked->ctx, *record, grace); !st)
      rc = report_error(st.error().message);
    else
      std::cout << "pod \"" << t.name << "\" deleted\n";
  }
  return rc;
}

void delete_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>(), "delete the objects of these manifests")(
      "all", po::bool_switch()->default_value(false), "delete every object of the type in the namespace")(
      "grace-period", po::value<int64_t>(),
      "seconds to wait after SIGTERM before SIGKILL (default: the pod's "
      "terminationGracePeriodSeconds; 0 kills at once)")("ignore-not-found", po::bool_switch()->default_value(false),
                                                         "a missing object is not an error")(
      "cascade", po::value<std::string>()->default_value("background"),
      "background or foreground: delete what a Deployment or ReplicaSet owns with it; orphan: leave it running");
}

}  // namespace podctl
