#include "orchestrator/pods/claims.h"

#include "base/files.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

Result<std::string> claim_dir(const RootPaths& root, const json& claim) {
  std::string uid = claim["metadata"].value("uid", ""), ns = claim["metadata"].value("namespace", "");
  if (!is_store_name(uid) || !is_store_label(ns)) return fail(make_error("stored claim without a valid uid"));
  return root.claim_dir(ns, uid);
}

}  // namespace

Status provision_claim(const RootPaths& root, const json& claim) {
  PODCTL_ASSIGN_OR_RETURN(auto dir, claim_dir(root, claim));
  PODCTL_TRY(make_dirs(dir, 0777));
  return {};
}

std::vector<std::string> pods_using_claim(const std::vector<PodRecord>& pods, const std::string& claim) {
  std::vector<std::string> out;
  for (const auto& p : pods) {
    const json spec = p.spec.value("spec", json::object());
    for (const auto& v : spec.value("volumes", json::array()))
      if (v.contains("persistentVolumeClaim") && v["persistentVolumeClaim"].value("claimName", "") == claim)
        out.push_back(p.name);
  }
  return out;
}

Status delete_claim(const RootPaths& root, const std::string& ns, const std::string& name) {
  PODCTL_ASSIGN_OR_RETURN(auto claim, get_object(root, "persistentvolumeclaims", ns, name));
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, ns));
  auto users = pods_using_claim(pods, name);
  if (!users.empty())
    return fail(make_error("persistentvolumeclaim \"" + name + "\" is in use by pod/" + users[0] +
                           ": delete the pods that mount it first"));
  PODCTL_ASSIGN_OR_RETURN(auto dir, claim_dir(root, claim));
  PODCTL_TRY(delete_object(root, "persistentvolumeclaims", ns, name));
  return remove_tree(dir);
}

json claim_with_status(const json& claim) {
  json out = claim;
  const json spec = claim.value("spec", json::object());
  out["spec"]["volumeName"] = "pvc-" + claim["metadata"].value("uid", "");
  out["status"] = {{"phase", "Bound"},
                   {"accessModes", spec.value("accessModes", json::array())},
                   {"capacity", {{"storage", spec["resources"]["requests"].value("storage", "")}}}};
  return out;
}

}  // namespace podctl
