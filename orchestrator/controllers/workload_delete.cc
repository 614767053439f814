#include "orchestrator/controllers/workload_delete.h"

#include "base/files.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

json without_owner(json object) {
  object["metadata"].erase("ownerReferences");
  return object;
}

// The orphans keep running, and a controller of their own for a ReplicaSet.
Status orphan_dependents(const ControllerEnv& env, const std::string& uid) {
  const auto& root = env.ctx.root;
  if (env.ref.resource == "deployments") {
    PODCTL_ASSIGN_OR_RETURN(auto sets, list_objects(root, "replicasets", env.ref.ns));
    for (const auto& rs : sets) {
      if (!owned_by(rs, uid)) continue;
      PODCTL_TRY(put_object(root, "replicasets", without_owner(rs)));
      PODCTL_TRY(ensure_controller(env.ctx, {"replicasets", env.ref.ns, rs["metadata"]["name"]}));
    }
    return {};
  }
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, env.ref.ns));
  for (auto pod : pods_owned_by(pods, uid)) {
    pod.spec = without_owner(pod.spec);
    PODCTL_TRY(write_pod_record(pod));
  }
  return {};
}

Status delete_dependents(const ControllerEnv& env, const std::string& uid, int64_t grace_seconds) {
  const auto& root = env.ctx.root;
  if (env.ref.resource == "deployments") {
    PODCTL_ASSIGN_OR_RETURN(auto sets, list_objects(root, "replicasets", env.ref.ns));
    for (const auto& rs : sets) {
      if (!owned_by(rs, uid)) continue;
      ControllerEnv child = env;
      child.ref = {"replicasets", env.ref.ns, rs["metadata"]["name"]};
      PODCTL_TRY(delete_workload(child, Cascade::Delete, grace_seconds));
    }
    return {};
  }
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, env.ref.ns));
  return remove_pods(env, pods_owned_by(pods, uid), grace_seconds);
}

}  // namespace

Status delete_workload(const ControllerEnv& env, Cascade cascade, int64_t grace_seconds) {
  const auto& root = env.ctx.root;
  PODCTL_ASSIGN_OR_RETURN(auto stored, get_object(root, env.ref.resource, env.ref.ns, env.ref.name));
  std::string uid = stored["metadata"].value("uid", "");
  PODCTL_TRY(stop_controller(root, env.ref));
  if (env.ref.resource == "services")  // it owns no pods, only its rules
    PODCTL_TRY(net::remove_service_rules(env.ctx.net.bridge, read_installed_rules(controller_paths(root, env.ref))));
  else if (cascade == Cascade::Orphan)
    PODCTL_TRY(orphan_dependents(env, uid));
  else
    PODCTL_TRY(delete_dependents(env, uid, grace_seconds));
  PODCTL_TRY(delete_object(root, env.ref.resource, env.ref.ns, env.ref.name));
  return remove_tree(controller_paths(root, env.ref).dir);
}

}  // namespace podctl
