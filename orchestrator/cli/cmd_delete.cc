// podctl delete TYPE NAME… | TYPE/NAME… | -f FILE|DIR | TYPE --all | TYPE -l SELECTOR [--now|--force]
// [--wait=false]:
// graceful termination, then
// nothing left behind. No lock is held while pods use their grace period: the pods of one delete
// stop together, and only their cleanup takes the root's lock.
#include <algorithm>
#include <iostream>

#include "base/files.h"
#include "manifests/load.h"
#include "manifests/label_selector.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/controllers/workload_delete.h"
#include "orchestrator/pods/claims.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

struct Target {
  std::string kind, ns, name;
};

struct DeleteOptions {
  int64_t grace = -1;
  bool ignore_not_found = false;
  Cascade cascade = Cascade::Delete;
};

Result<std::vector<Target>> targets_of_files(const Invocation& inv) {
  manifest::LoadOptions lo;
  lo.default_namespace = inv.global.ns;
  lo.namespace_explicit = inv.global.ns_explicit;
  lo.check_implemented = false;  // deleting what an older podctl accepted must still work
  auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
  if (!loaded.ok()) {
    std::string all;
    for (const auto& e : loaded.errors) all += (all.empty() ? "" : "\n") + e;
    return fail(make_error(all));
  }
  std::vector<Target> targets;
  for (const auto& o : loaded.objects) {
    const auto& m = manifest::metadata_of(o.object);
    targets.push_back({resource_of(o.object), m.namespace_, m.name});
  }
  return targets;
}

Result<std::vector<Target>> targets_of_args(const Invocation& inv) {
  if (inv.args.empty())
    return fail(make_error("delete needs -f FILE, or a type and names: podctl delete pod NAME"));
  auto args = resource_args(inv.args);
  if (!args) return fail(args.error());
  if (args->kind.empty())
    return fail(make_error("unknown resource type \"" + args->type_word +
                           "\" (podctl has pods, configmaps, secrets, deployments, replicasets, statefulsets, jobs, services, "
                           "persistentvolumeclaims, namespaces)"));
  bool all = inv.vm["all"].as<bool>();
  PODCTL_ASSIGN_OR_RETURN(auto selector, selector_option(inv));
  if (selector && !args->names.empty()) return fail(make_error("a name cannot be given with a selector (-l)"));
  if (args->names.empty() && !all && !selector)
    return fail(make_error("delete " + args->type_word + " needs names, -l SELECTOR, or --all"));
  std::vector<Target> targets;
  for (const auto& n : args->names) targets.push_back({args->kind, args->kind == "namespaces" ? "" : inv.global.ns, n});
  if (!all && !selector) return targets;
  // Every object of the type in the namespace (--all), or those whose labels match (-l).
  auto wanted = [&](const json& labels) {
    return !selector || manifest::selector_matches(*selector, labels.get<std::map<std::string, std::string>>());
  };
  RootPaths root{inv.global.root};
  if (args->kind == "pods") {
    if (auto pods = list_pod_records(root, inv.global.ns))
      for (const auto& p : *pods)
        if (wanted(p.spec["metadata"].value("labels", json::object()))) targets.push_back({args->kind, p.ns, p.name});
  } else if (auto objects = args->kind == "namespaces" ? list_objects(root, "namespaces", "")
                                                       : list_objects(root, args->kind, inv.global.ns)) {
    for (const auto& c : *objects)
      if (wanted(c["metadata"].value("labels", json::object())))
        targets.push_back({args->kind, args->kind == "namespaces" ? "" : inv.global.ns, c["metadata"]["name"]});
  }
  return targets;
}

bool report(const Status& st, const Target& t, const DeleteOptions& o) {
  if (!st && !(o.ignore_not_found && st.error().code == ENOENT)) {
    report_error(st.error().message);
    return false;
  }
  if (st) std::cout << printed_kind(t.kind) << " \"" << t.name << "\" deleted\n";
  return true;
}

// Workloads and Services go first and without the root's lock: their controllers take it for each pod they
// make, and must be able to finish that step to stop.
int delete_workloads(const Invocation& inv, const std::vector<Target>& targets, const DeleteOptions& o) {
  int rc = kExitOk;
  for (const auto& t : targets) {
    ControllerEnv env;
    env.ref = {t.kind, t.ns, t.name};
    env.ctx = read_only_context(inv);
    env.lock = [&inv]() { return open_locked_context(inv, false); };
    if (!report(delete_workload(env, o.cascade, o.grace), t, o)) rc = kExitFailure;
  }
  return rc;
}

int delete_pods(const Invocation& inv, const std::vector<Target>& targets, const DeleteOptions& o) {
  int rc = kExitOk;
  RootPaths root{inv.global.root};
  std::vector<PodRecord> records;
  std::vector<Target> found;
  for (const auto& t : targets) {
    auto record = read_pod_record(root, t.ns, t.name);
    if (record) {
      if (!record->supervisor_alive)
        std::cerr << "warning: pod/" << t.name << ": its supervisor was not running; cleaning up what it left\n";
      records.push_back(*record), found.push_back(t);
      continue;
    }
    // A creation that died half-way: what it left goes, or the delete fails saying what stayed.
    PodRecord partial = unrecorded_pod(root, t.ns, t.name);
    if (path_exists(partial.paths.dir))
      records.push_back(partial), found.push_back(t);
    else if (!o.ignore_not_found)
      rc = report_error("pods \"" + t.name + "\" not found");
  }
  if (records.empty()) return rc;
  if (auto st = stop_pods(records, o.grace); !st) rc = report_error(st.error().message);
  auto locked = open_locked_context(inv, false);
  if (!locked) return report_error(locked.error().message);
  std::set<std::string> namespaces;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!report(cleanup_pod(locked->ctx, records[i]), found[i], o)) rc = kExitFailure;
    namespaces.insert(records[i].ns);
  }
  for (const auto& ns : namespaces)
    if (auto st = refresh_peer_hosts(locked->ctx, ns); !st) rc = report_error(st.error().message);
  return rc;
}

int delete_stored(const Invocation& inv, const std::vector<Target>& targets, const DeleteOptions& o) {
  auto locked = open_locked_context(inv, false);
  if (!locked) return report_error(locked.error().message);
  int rc = kExitOk;
  for (const auto& t : targets) {
    auto st = t.kind == "persistentvolumeclaims" ? delete_claim(locked->ctx.root, t.ns, t.name)
                                                 : delete_object(locked->ctx.root, t.kind, t.ns, t.name);
    if (!report(st, t, o)) rc = kExitFailure;
  }
  return rc;
}

// Everything in the namespace, in the order that leaves nothing to re-create what goes: the
// controlled objects (their controllers first), the pods, the rest; then the Namespace object.
int delete_namespace(const Invocation& inv, const Target& t, const DeleteOptions& o) {
  if (t.name == "default")
    return report_error("namespaces \"default\" is forbidden: this namespace may not be deleted");
  RootPaths root{inv.global.root};
  std::vector<Target> controlled, pods, stored;
  for (const char* kind : {"deployments", "statefulsets", "replicasets", "jobs", "services"})
    if (auto objects = list_objects(root, kind, t.name))
      for (const auto& x : *objects) controlled.push_back({kind, t.name, x["metadata"]["name"]});
  if (auto records = list_pod_records(root, t.name))
    for (const auto& p : *records) pods.push_back({"pods", t.name, p.name});
  for (const char* kind : {"configmaps", "secrets", "persistentvolumeclaims"})
    if (auto objects = list_objects(root, kind, t.name))
      for (const auto& x : *objects) stored.push_back({kind, t.name, x["metadata"]["name"]});
  DeleteOptions quiet = o;
  quiet.ignore_not_found = true;  // a controller may remove what it owns first
  int rc = delete_workloads(inv, controlled, quiet);
  if (!pods.empty()) rc = std::max(rc, delete_pods(inv, pods, quiet));
  if (!stored.empty()) rc = std::max(rc, delete_stored(inv, stored, quiet));
  auto object = delete_object(root, "namespaces", "", t.name);
  bool existed = object || !controlled.empty() || !pods.empty() || !stored.empty();
  if (!existed && !o.ignore_not_found) return report_error("namespaces \"" + t.name + "\" not found");
  for (const char* dir : {"pods", "configmaps", "secrets", "deployments", "replicasets", "statefulsets", "jobs",
                          "services", "persistentvolumeclaims", "volumes", "controllers/deployments",
                          "controllers/replicasets", "controllers/statefulsets", "controllers/jobs",
                          "controllers/services"})
    ::rmdir((root.root + "/" + dir + "/" + t.name).c_str());  // only when empty
  if (rc == kExitOk && existed) std::cout << "namespace \"" << t.name << "\" deleted\n";
  return rc;
}

bool target_exists(const RootPaths& root, const Target& t) {
  if (t.kind == "pods") return read_pod_record(root, t.ns, t.name).has_value() || path_exists(root.pod_dir(t.ns, t.name));
  if (t.kind == "namespaces")
    return get_object(root, "namespaces", "", t.name).has_value() || is_directory(root.root + "/pods/" + t.name);
  return get_object(root, t.kind, t.ns, t.name).has_value();
}

// --wait=false: what does not exist is reported now, the pods are asked to stop now (they show as
// Terminating), each target is reported deleted, and the rest of the delete (grace periods,
// cleanup, which the CLI does: there is no kubelet to finish it) goes on in a detached copy of
// this process, whose output is appended to ROOT/delete.log.
Result<bool> announce_and_detach(const Invocation& inv, std::vector<Target>& targets, DeleteOptions& o, int& rc) {
  RootPaths root{inv.global.root};
  std::vector<Target> found;
  for (const auto& t : targets) {
    if (target_exists(root, t)) {
      found.push_back(t);
    } else if (!o.ignore_not_found) {
      rc = report_error(t.kind + " \"" + t.name + "\" not found");
    }
  }
  for (const auto& t : found)
    if (t.kind == "pods")
      if (auto record = read_pod_record(root, t.ns, t.name))
        if (auto st = request_pod_stop(*record, o.grace); !st) rc = report_error(st.error().message);
  for (const auto& t : found) std::cout << printed_kind(t.kind) << " \"" << t.name << "\" deleted\n";
  targets = found;
  o.ignore_not_found = true;  // a controller may remove what it owns first
  return continue_detached(inv.global.root + "/delete.log");
}

}  // namespace

int cmd_delete(const Invocation& inv) {
  auto targets = inv.has("filename") ? targets_of_files(inv) : targets_of_args(inv);
  if (!targets) return report_error(targets.error().message, kExitUsage);
  DeleteOptions o;
  o.grace = inv.has("grace-period") ? inv.get<int64_t>("grace-period") : -1;
  if (o.grace < -1) return report_error("--grace-period must be 0 or more", kExitUsage);
  // kubectl's shorthands: --now is a grace period of 1 s, --force (with --grace-period=0) at once.
  if (inv.vm["now"].as<bool>()) o.grace = 1;
  if (inv.vm["force"].as<bool>()) {
    if (o.grace > 0) return report_error("--force needs --grace-period=0 (or none)", kExitUsage);
    std::cerr << "Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated.\n";
    o.grace = 0;
  }
  o.ignore_not_found = inv.vm["ignore-not-found"].as<bool>();
  std::string cascade = inv.get<std::string>("cascade");
  if (cascade != "background" && cascade != "foreground" && cascade != "orphan")
    return report_error("--cascade must be background, foreground or orphan, not \"" + cascade + "\"", kExitUsage);
  o.cascade = cascade == "orphan" ? Cascade::Orphan : Cascade::Delete;
  if (targets->empty()) {
    std::cerr << "No resources found\n";
    return kExitOk;
  }
  for (const auto& t : *targets)
    if (int bad = refuse_invalid_names(t.kind == "namespaces" ? "namespace" : singular(t.kind), {t.name})) return bad;
  if (!is_directory(inv.global.root)) {
    if (o.ignore_not_found) return kExitOk;
    return report_error("root " + inv.global.root + " does not exist (nothing was ever applied there)");
  }
  if (!inv.vm["wait"].as<bool>()) {
    int rc = kExitOk;
    auto detached = announce_and_detach(inv, *targets, o, rc);
    if (!detached) return report_error(detached.error().message);
    if (!*detached) return rc;
  }
  std::vector<Target> workloads, pods, stored, namespaces;
  for (const auto& t : *targets)
    (t.kind == "namespaces" ? namespaces : is_controlled(t.kind) ? workloads : t.kind == "pods" ? pods : stored)
        .push_back(t);
  int rc = delete_workloads(inv, workloads, o);
  bool services = std::any_of(workloads.begin(), workloads.end(), [](const Target& t) { return t.kind == "services"; });
  if (services) {  // their names leave every pod's /etc/hosts
    auto locked = open_locked_context(inv, false);
    auto st = locked ? refresh_all_hosts(locked->ctx) : Status(fail(locked.error()));
    if (!st) rc = report_error(st.error().message);
  }
  if (!pods.empty()) rc = std::max(rc, delete_pods(inv, pods, o));
  if (!stored.empty()) rc = std::max(rc, delete_stored(inv, stored, o));
  for (const auto& n : namespaces) rc = std::max(rc, delete_namespace(inv, n, o));
  return rc;
}

void delete_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>(), "delete the objects of these manifests")(
      "all", po::bool_switch()->default_value(false), "delete every object of the type in the namespace")(
      "selector,l", po::value<std::string>(), "delete the objects of the type whose labels match (as get -l)")(
      "now", po::bool_switch()->default_value(false), "a grace period of 1 s")(
      "wait", po::value<bool>()->default_value(true)->implicit_value(true),
      "false: return once the pods are told to stop; the rest goes on in the background (ROOT/delete.log)")(
      "force", po::bool_switch()->default_value(false), "no grace period: kill at once (with --grace-period=0)")(
      "grace-period", po::value<int64_t>(),
      "seconds to wait after SIGTERM before SIGKILL (default: the pod's "
      "terminationGracePeriodSeconds; 0 kills at once)")("ignore-not-found", po::bool_switch()->default_value(false),
                                                         "a missing object is not an error")(
      "cascade", po::value<std::string>()->default_value("background"),
      "background or foreground: delete what a Deployment or ReplicaSet owns with it; orphan: leave it running");
}

}  // namespace podctl
