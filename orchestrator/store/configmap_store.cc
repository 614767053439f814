#include "orchestrator/store/configmap_store.h"

#include <unistd.h>

#include <cerrno>

#include "base/files.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

using nlohmann::json;

static std::string path_of(const RootPaths& root, const std::string& ns, const std::string& name) {
  return root.configmaps_dir(ns) + "/" + name + ".json";
}

Result<json> get_configmap(const RootPaths& root, const std::string& ns, const std::string& name) {
  if (!path_exists(path_of(root, ns, name))) return fail(Error{ENOENT, "configmaps \"" + name + "\" not found"});
  return read_json_file(path_of(root, ns, name));
}

Result<std::string> put_configmap(const RootPaths& root, const json& object) {
  std::string ns = object["metadata"]["namespace"], name = object["metadata"]["name"];
  json stored = object;
  std::string verb = "created";
  if (auto old = get_configmap(root, ns, name)) {
    stored["metadata"]["uid"] = (*old)["metadata"]["uid"];
    stored["metadata"]["creationTimestamp"] = (*old)["metadata"]["creationTimestamp"];
    if (stored == *old) return std::string("unchanged");
    if ((*old).value("immutable", false))
      return fail(make_error("configmaps \"" + name + "\" is immutable: delete it and apply it again"));
    verb = "configured";
  } else {
    stored["metadata"]["uid"] = new_uid();
    stored["metadata"]["creationTimestamp"] = rfc3339_now();
  }
  PODCTL_TRY(make_dirs(root.configmaps_dir(ns), 0700));
  PODCTL_TRY(write_file_atomic(path_of(root, ns, name), stored.dump(2) + "\n", 0600));
  return verb;
}

Result<std::vector<json>> list_configmaps(const RootPaths& root, const std::string& ns) {
  std::vector<json> out;
  std::vector<std::string> namespaces;
  if (ns.empty()) {
    PODCTL_ASSIGN_OR_RETURN(namespaces, list_dir(root.root + "/configmaps"));
  } else {
    namespaces.push_back(ns);
  }
  for (const auto& n : namespaces) {
    std::vector<std::string> files;
    PODCTL_ASSIGN_OR_RETURN(files, list_dir(root.configmaps_dir(n)));
    for (const auto& f : files) {
      if (f.size() < 6 || f.substr(f.size() - 5) != ".json") continue;
      if (auto cm = get_configmap(root, n, f.substr(0, f.size() - 5))) out.push_back(*cm);
    }
  }
  return out;
}

Status delete_configmap(const RootPaths& root, const std::string& ns, const std::string& name) {
  if (::unlink(path_of(root, ns, name).c_str()) != 0) {
    if (errno == ENOENT) return fail(Error{ENOENT, "configmaps \"" + name + "\" not found"});
    return fail(sys_error("delete configmap " + name));
  }
  return {};
}

}  // namespace podctl
