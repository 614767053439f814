#include "orchestrator/cli/cli_support.h"

#include "manifests/label_selector.h"

#include <climits>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include "base/duration.h"

#include "base/files.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/store/object_store.h"
#include "manifests/names.h"
#include "netsetup/bridge.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/pods/host_network.h"
#include "orchestrator/store/json_file.h"

namespace podctl {

PodContext read_only_context(const Invocation& inv) {
  PodContext ctx;
  ctx.root.root = inv.global.root;
  if (auto net = load_network_config(ctx.root, {}, false)) ctx.net = *net;
  if (auto mount = cgroup2_mount()) ctx.cgroup_mount = *mount;
  ctx.log_level = inv.global.log_level == "warn" ? "info" : inv.global.log_level;
  return ctx;
}

Result<LockedContext> open_locked_context(const Invocation& inv, bool create) {
  PodContext ctx = read_only_context(inv);
  if (!create && !is_directory(ctx.root.root))
    return fail(Error{ENOENT, "root " + ctx.root.root + " does not exist (nothing was ever applied there)"});
  PODCTL_TRY(make_dirs(ctx.root.root, 0700));
  auto lock = FileLock::acquire(ctx.root.lock());
  if (!lock) return fail(lock.error());
  bool first_use = !path_exists(ctx.root.config());
  // Only creating checks --bridge/--subnet against the root's settings: deleting and resetting
  // use what the root has, whatever the flags say.
  const NetworkRequest request{inv.global.bridge,          inv.global.subnet,         inv.global.outbound,
                               inv.global.seccomp_default, inv.global.service_subnet, inv.global.pod_name_hosts};
  PODCTL_ASSIGN_OR_RETURN(ctx.net, load_network_config(ctx.root, create ? request : NetworkRequest{}, false));
  if (create) {
    PODCTL_ASSIGN_OR_RETURN(ctx.cgroup_mount, cgroup2_mount());
    if (first_use) {
      std::string overlap;
      PODCTL_ASSIGN_OR_RETURN(
          overlap, net::find_overlapping_route(ctx.net.subnet.network(), ctx.net.subnet.prefix, ctx.net.bridge));
      if (!overlap.empty())
        return fail(make_error("subnet " + ctx.net.subnet_text() + " overlaps the host's route to " + overlap +
                               ": choose another with --subnet (e.g. --subnet 10.123.0.0/16)"));
      PODCTL_ASSIGN_OR_RETURN(overlap, net::find_overlapping_route(ctx.net.service_subnet.network(),
                                                                   ctx.net.service_subnet.prefix, ctx.net.bridge));
      if (!overlap.empty())
        return fail(make_error("service range " + ctx.net.service_subnet_text() + " overlaps the host's route to " +
                               overlap + ": choose another with --service-cidr"));
    }
    // A root made before bridges were marked may take its own (unmarked) bridge; a new one may not.
    PODCTL_TRY(net::ensure_bridge(
        {ctx.net.bridge, ctx.net.gateway(), ctx.net.subnet.prefix, bridge_owner(ctx.root), !first_use}));
    PODCTL_TRY(prepare_host_network(ctx));
    if (auto saved = load_network_config(ctx.root, request, true); !saved)
      return fail(saved.error());
  }
  return LockedContext{std::move(ctx), std::move(*lock)};
}

nlohmann::json pod_object(const PodRecord& r) {
  nlohmann::json pod = r.spec;
  // A pod being removed (or made) may have no spec.json at this moment: it still has its name.
  if (!pod.is_object()) pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"spec", nlohmann::json::object()}};
  pod["metadata"]["name"] = r.name;
  pod["metadata"]["namespace"] = r.ns;
  pod["metadata"]["uid"] = r.uid;
  pod["metadata"]["creationTimestamp"] = r.creation_timestamp;
  // Bound by the scheduler: the node's name, as the binding sets spec.nodeName.
  if (r.status.is_object() && r.status.contains("binding") && !pod["spec"].contains("nodeName"))
    pod["spec"]["nodeName"] = r.status["binding"].value("node", "");
  nlohmann::json status =
      r.status.is_object() && r.status.contains("status") ? r.status["status"] : nlohmann::json{{"phase", "Pending"}};
  if (!r.supervisor_alive) {
    status["phase"] = "Unknown";
    status["reason"] = "Unknown";
    status["message"] =
        "the pod's supervisor is not running (killed, or the machine restarted): "
        "podctl apply or podctl delete cleans up what it left";
    for (auto& cs : status["containerStatuses"]) cs["ready"] = false;
  }
  // A delete under way: kubectl shows such a pod as Terminating.
  if (auto stop = read_json_file(r.paths.stop_request())) {
    pod["metadata"]["deletionTimestamp"] = stop->value("requestedAt", r.creation_timestamp);
    pod["metadata"]["deletionGracePeriodSeconds"] = stop->value("gracePeriodSeconds", int64_t{30});
  }
  pod["status"] = status;
  return pod;
}

std::string resource_kind(const std::string& w) {
  if (w == "pod" || w == "pods" || w == "po") return "pods";
  if (w == "configmap" || w == "configmaps" || w == "cm") return "configmaps";
  if (w == "secret" || w == "secrets") return "secrets";
  if (w == "deployment" || w == "deployments" || w == "deploy" || w == "deployment.apps") return "deployments";
  if (w == "replicaset" || w == "replicasets" || w == "rs" || w == "replicaset.apps") return "replicasets";
  if (w == "service" || w == "services" || w == "svc") return "services";
  if (w == "job" || w == "jobs" || w == "job.batch") return "jobs";
  if (w == "statefulset" || w == "statefulsets" || w == "sts" || w == "statefulset.apps") return "statefulsets";
  if (w == "namespace" || w == "namespaces" || w == "ns") return "namespaces";
  if (w == "persistentvolumeclaim" || w == "persistentvolumeclaims" || w == "pvc") return "persistentvolumeclaims";
  return "";
}

Result<ResourceArgs> resource_args(const std::vector<std::string>& args) {
  ResourceArgs out;
  if (args.empty()) return out;
  if (args[0].find('/') == std::string::npos) {
    out.type_word = args[0];
    out.kind = resource_kind(args[0]);
    out.names.assign(args.begin() + 1, args.end());
    return out;
  }
  for (const auto& a : args) {
    auto slash = a.find('/');
    if (slash == std::string::npos)
      return fail(
          make_error("there is no need to specify a resource type as a separate argument when passing "
                     "arguments in resource/name form (e.g. 'podctl get pod/" +
                     a + "')"));
    std::string word = a.substr(0, slash), kind = resource_kind(word);
    if (out.type_word.empty())
      out.type_word = word, out.kind = kind;
    else if (kind != out.kind)
      return fail(make_error("TYPE/NAME arguments of different types: " + args[0] + ", " + a));
    out.names.push_back(a.substr(slash + 1));
  }
  return out;
}

Result<std::vector<std::string>> names_matching(const RootPaths& root, const std::string& kind, const std::string& ns,
                                                const std::optional<manifest::LabelSelector>& selector) {
  auto wanted = [&](const nlohmann::json& metadata) {
    auto labels = metadata.value("labels", std::map<std::string, std::string>{});
    return !selector || manifest::selector_matches(*selector, labels);
  };
  std::vector<std::string> out;
  if (kind == "pods") {
    PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, ns));
    for (const auto& p : pods)
      if (wanted(p.spec.value("metadata", nlohmann::json::object()))) out.push_back(p.name);
  } else {
    PODCTL_ASSIGN_OR_RETURN(auto objects, list_objects(root, kind, ns));
    for (const auto& o : objects)
      if (wanted(o["metadata"])) out.push_back(o["metadata"].value("name", ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::optional<manifest::LabelSelector>> selector_option(const Invocation& inv) {
  if (!inv.has("selector")) return std::optional<manifest::LabelSelector>{};
  std::string why;
  auto selector = manifest::parse_selector(inv.get<std::string>("selector"), &why);
  if (!selector) return fail(make_error("-l: " + why));
  return selector;
}

Result<std::string> pod_name_arg(const std::string& arg) {
  auto slash = arg.find('/');
  if (slash == std::string::npos) return arg;
  std::string word = arg.substr(0, slash);
  if (resource_kind(word) == "pods") return arg.substr(slash + 1);
  // Another resource type is refused here; anything else is a name, which the name check refuses.
  if (!resource_kind(word).empty()) return fail(make_error("only pods can be named here, not " + arg));
  return arg;
}

Result<std::string> pod_of(const Invocation& inv, const std::string& arg) {
  auto slash = arg.find('/');
  std::string kind = slash == std::string::npos ? "" : resource_kind(arg.substr(0, slash));
  if (!is_workload(kind)) return pod_name_arg(arg);
  std::string name = arg.substr(slash + 1);
  if (auto why = manifest::check_dns1123_subdomain(name); !why.empty())
    return fail(make_error("invalid " + singular(kind) + " name \"" + name + "\": " + why));
  RootPaths root{inv.global.root};
  PODCTL_ASSIGN_OR_RETURN(auto object, get_object(root, kind, inv.global.ns, name));
  // A Deployment's pods are its ReplicaSets' pods.
  std::vector<nlohmann::json> sets;
  if (kind == "deployments") {
    PODCTL_ASSIGN_OR_RETURN(sets, list_objects(root, "replicasets", inv.global.ns));
  }
  const auto owners = pod_owner_uids(object, sets);
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, inv.global.ns));
  std::vector<std::pair<plan::OwnedPod, std::string>> candidates;
  for (const auto& p : pods)
    for (const auto& uid : owners)
      if (owned_by(p.spec, uid)) candidates.push_back({observe_pod(p), p.name});
  if (candidates.empty()) return fail(make_error(printed_kind(kind) + "/" + name + " has no pods"));
  // As kubectl: a ready, running pod first, then the newest.
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    if (a.first.ready != b.first.ready) return a.first.ready;
    if ((a.first.phase == "Running") != (b.first.phase == "Running")) return a.first.phase == "Running";
    return a.first.created > b.first.created;
  });
  if (candidates.size() > 1)
    std::cerr << "Found " << candidates.size() << " pods, using pod/" << candidates[0].second << "\n";
  return candidates[0].second;
}

std::vector<std::string> container_names(const PodRecord& record) {
  std::vector<std::string> names;
  for (const char* list : {"containers", "initContainers"})
    for (const auto& c : record.spec["spec"].value(list, nlohmann::json::array())) names.push_back(c["name"]);
  return names;
}

Result<std::string> pick_container(const PodRecord& record, const std::string& wanted) {
  auto names = container_names(record);
  if (!wanted.empty()) {
    if (std::find(names.begin(), names.end(), wanted) == names.end())
      return fail(make_error("container " + wanted + " is not valid for pod " + record.name));
    return wanted;
  }
  if (names.size() > 1) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    std::cerr << "Defaulted container \"" << names[0] << "\" out of: " << list << "\n";
  }
  return names.at(0);
}

std::string singular(const std::string& kind) { return kind.substr(0, kind.size() - 1); }

std::string resource_of(const manifest::Object& object) {
  std::string kind = manifest::kind_of(object);
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kind + "s";
}

std::string printed_kind(const std::string& resource) {
  if (resource == "jobs") return "job.batch";
  return singular(resource) + (is_workload(resource) ? ".apps" : "");
}

bool is_workload(const std::string& resource) {
  return resource == "deployments" || resource == "replicasets" || resource == "statefulsets" || resource == "jobs";
}

bool is_controlled(const std::string& resource) { return is_workload(resource) || resource == "services"; }

Result<int64_t> duration_flag_ms(const Invocation& inv, const std::string& flag) {
  std::string text = inv.get<std::string>(flag.c_str());
  if (auto ms = parse_duration_ms(text)) return *ms;
  return fail(make_error("invalid --" + flag + " \"" + text + "\": use a duration such as 30s, 5m or 1h30m"));
}

std::string bridge_owner(const RootPaths& root) {
  char real[PATH_MAX];
  return net::bridge_owner_mark(::realpath(root.root.c_str(), real) ? std::string(real) : root.root);
}

int refuse_invalid_names(const std::string& what, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    // Containers and namespaces are DNS-1123 labels (a namespace names a directory of the store).
    std::string why = what == "container" || what == "namespace" ? manifest::check_dns1123_label(name)
                                                                  : manifest::check_dns1123_subdomain(name);
    if (!why.empty()) return report_error("invalid " + what + " name \"" + name + "\": " + why, kExitUsage);
  }
  return 0;
}

}  // namespace podctl
