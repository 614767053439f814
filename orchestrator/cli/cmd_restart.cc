// podctl restart NAME… | TYPE/NAME… | TYPE NAME… | [TYPE] -l SELECTOR | [TYPE] --all: compose's
// restart, in Kubernetes' terms. A pod of its own stops as a delete stops it (preStop hooks, its
// grace period) and starts again from its stored spec with the options apply gave it (a fresh
// sandbox: init containers run again, emptyDirs start empty). A pod that a ReplicaSet or StatefulSet
// owns is deleted for its controller to replace. A Deployment or StatefulSet is restarted as
// `kubectl rollout restart` does it: a rolling replacement of its pods.
#include <iostream>

#include "base/files.h"
#include "manifests/label_selector.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/stored_update.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

struct Target {
  std::string kind, name;
};

bool restartable(const std::string& kind) { return kind == "pods" || kind == "deployments" || kind == "statefulsets"; }

// The kind and names as written: bare names are pods (as for exec and logs); TYPE/NAME may mix types.
Result<std::vector<Target>> named_targets(const std::vector<std::string>& args, std::string& kind_for_selector) {
  std::vector<Target> out;
  kind_for_selector = "pods";
  if (args.empty()) return out;
  bool typed_list = args[0].find('/') == std::string::npos && !resource_kind(args[0]).empty();
  if (typed_list) {
    kind_for_selector = resource_kind(args[0]);
    for (size_t i = 1; i < args.size(); ++i) out.push_back({kind_for_selector, args[i]});
  } else {
    for (const auto& a : args) {
      auto slash = a.find('/');
      std::string kind = slash == std::string::npos ? "pods" : resource_kind(a.substr(0, slash));
      if (kind.empty()) return fail(make_error("unknown resource type \"" + a.substr(0, slash) + "\" in " + a));
      out.push_back({kind, slash == std::string::npos ? a : a.substr(slash + 1)});
    }
  }
  for (const auto& t : out)
    if (!restartable(t.kind))
      return fail(make_error(printed_kind(t.kind) + "/" + t.name +
                             ": only pods, deployments and statefulsets can be restarted"));
  if (!restartable(kind_for_selector))
    return fail(make_error(kind_for_selector + ": only pods, deployments and statefulsets can be restarted"));
  return out;
}

Result<std::vector<Target>> restart_targets(const Invocation& inv) {
  std::string kind;
  PODCTL_ASSIGN_OR_RETURN(auto targets, named_targets(inv.args, kind));
  bool all = inv.vm["all"].as<bool>();
  PODCTL_ASSIGN_OR_RETURN(auto selector, selector_option(inv));
  if ((all || selector) && !targets.empty()) return fail(make_error("names cannot be given with -l or --all"));
  if (!all && !selector) {
    if (targets.empty()) return fail(make_error("restart needs names, -l SELECTOR or --all: podctl restart pod/NAME"));
    return targets;
  }
  PODCTL_ASSIGN_OR_RETURN(auto names, names_matching(RootPaths{inv.global.root}, kind, inv.global.ns, selector));
  for (auto& name : names) targets.push_back({kind, std::move(name)});
  return targets;
}

// The controller that owns the pod ("replicaset/web-5d8f"), or empty for a pod of its own.
std::pair<std::string, std::string> owner_of(const PodRecord& pod) {
  const json metadata = pod.spec.value("metadata", json::object());
  for (const auto& ref : metadata.value("ownerReferences", json::array()))
    if (ref.value("controller", false)) return {ref.value("kind", ""), ref.value("name", "")};
  return {};
}

Status recreate(const Invocation& inv, const PodRecord& pod, const manifest::Pod& spec) {
  PODCTL_ASSIGN_OR_RETURN(auto locked, open_locked_context(inv, false));
  PODCTL_TRY(cleanup_pod(locked.ctx, pod));
  // Another command (an apply, a delete) may have acted on the name while the pod stopped.
  if (path_exists(locked.ctx.root.pod_dir(pod.ns, pod.name)))
    return fail(make_error("it was created again by another command meanwhile; left as it is"));
  locked.ctx.pod_options = pod.options;
  auto created = create_pod(locked.ctx, spec, pod.source);
  if (!created) return fail(created.error().wrap("start it again"));
  return refresh_peer_hosts(locked.ctx, pod.ns);
}

Status restart_pod(const Invocation& inv, const std::string& name) {
  auto found = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, name);
  if (!found && found.error().code == ENOENT) return fail(make_error("pods \"" + name + "\" not found"));
  if (!found) return fail(found.error());
  const PodRecord& pod = *found;
  auto [owner_kind, owner_name] = owner_of(pod);
  if (owner_kind == "Job")
    return fail(make_error("it belongs to job/" + owner_name +
                           ", whose pods are not restarted (a deleted pod would count as failed): delete the job "
                           "and apply it again"));
  if (!owner_kind.empty()) {
    std::string grace = std::to_string(pod.spec["spec"].value("terminationGracePeriodSeconds", 30));
    std::cerr << "pod/" << name << ": stopping it (grace period " << grace << "s); its " << owner_kind
              << " starts a new one\n";
    PODCTL_TRY(stop_pod(pod, -1));
    PODCTL_ASSIGN_OR_RETURN(auto locked, open_locked_context(inv, false));
    PODCTL_TRY(cleanup_pod(locked.ctx, pod));
    return refresh_peer_hosts(locked.ctx, pod.ns);
  }
  // Read before the stop: the spec goes with the pod's directory.
  PODCTL_ASSIGN_OR_RETURN(auto spec, read_stored_spec(pod.paths, pod.ns));
  std::cerr << "pod/" << name << ": stopping it (grace period " << spec.spec.termination_grace_period_seconds
            << "s), then starting it again\n";
  PODCTL_TRY(stop_pod(pod, -1));
  return recreate(inv, pod, spec);
}

Status restart(const Invocation& inv, const Target& t) {
  if (t.kind == "pods") return restart_pod(inv, t.name);
  PODCTL_ASSIGN_OR_RETURN(auto object, get_object(RootPaths{inv.global.root}, t.kind, inv.global.ns, t.name));
  return restart_template(inv, t.kind, std::move(object));
}

}  // namespace

int cmd_restart(const Invocation& inv) {
  auto targets = restart_targets(inv);
  if (!targets) return report_error(targets.error().message, kExitUsage);
  std::vector<std::string> names;
  for (const auto& t : *targets) names.push_back(t.name);
  if (int rc = refuse_invalid_names("restart", names)) return rc;
  if (targets->empty()) std::cerr << "No resources found in " << inv.global.ns << " namespace.\n";
  int rc = kExitOk;
  for (const auto& t : *targets) {
    std::string shown = printed_kind(t.kind) + "/" + t.name;
    if (auto st = restart(inv, t); !st)
      rc = report_error(shown + ": " + st.error().message);
    else
      std::cout << shown << " restarted" << std::endl;
  }
  return rc;
}

void restart_options(po::options_description& d) {
  d.add_options()("selector,l", po::value<std::string>(), "restart the objects whose labels match (pods unless a TYPE is given)")(
      "all", po::bool_switch()->default_value(false), "restart every object of the type (pods unless a TYPE is given)");
}

}  // namespace podctl
