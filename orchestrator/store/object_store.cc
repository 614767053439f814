#include "orchestrator/store/object_store.h"

#include <unistd.h>

#include <cerrno>

#include "base/base64.h"
#include "base/files.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

using nlohmann::json;

namespace {

// Namespaces are not in a namespace: ROOT/namespaces/NAME.json.
bool cluster_scoped(const StoredKind& kind) { return kind == "namespaces"; }

std::string dir_of(const RootPaths& root, const StoredKind& kind, const std::string& ns) {
  if (cluster_scoped(kind)) return root.root + "/" + kind;
  return root.root + "/" + kind + "/" + store_label(ns);
}

std::string path_of(const RootPaths& root, const StoredKind& kind, const std::string& ns, const std::string& name) {
  return dir_of(root, kind, ns) + "/" + store_name(name) + ".json";
}

Error not_found(const StoredKind& kind, const std::string& name) {
  return Error{ENOENT, kind + " \"" + name + "\" not found"};
}

}  // namespace

Result<json> get_object(const RootPaths& root, const StoredKind& kind, const std::string& ns, const std::string& name) {
  if ((!cluster_scoped(kind) && !is_store_label(ns)) || !is_store_name(name))
    return fail(Error{EINVAL, "invalid name " + ns + "/" + name});
  if (!path_exists(path_of(root, kind, ns, name))) return fail(not_found(kind, name));
  return read_json_file(path_of(root, kind, ns, name));
}

Result<std::string> put_object(const RootPaths& root, const StoredKind& kind, const json& object) {
  std::string ns = object["metadata"].value("namespace", ""), name = object["metadata"]["name"];
  json stored = object;
  std::string verb = "created";
  if (auto old = get_object(root, kind, ns, name)) {
    stored["metadata"]["uid"] = (*old)["metadata"]["uid"];
    stored["metadata"]["creationTimestamp"] = (*old)["metadata"]["creationTimestamp"];
    if (stored.contains("spec")) stored["metadata"]["generation"] = (*old)["metadata"].value("generation", 1);
    if (stored == *old) return std::string("unchanged");
    // metadata.generation counts changes of the spec, as the API server's.
    if (stored.contains("spec") && stored["spec"] != (*old)["spec"])
      stored["metadata"]["generation"] = stored["metadata"]["generation"].get<int64_t>() + 1;
    if ((*old).value("immutable", false))
      return fail(make_error(kind + " \"" + name + "\" is immutable: delete it and apply it again"));
    verb = "configured";
  } else {
    stored["metadata"]["uid"] = new_uid();
    stored["metadata"]["creationTimestamp"] = rfc3339_now();
    if (stored.contains("spec")) stored["metadata"]["generation"] = 1;
  }
  PODCTL_TRY(make_dirs(dir_of(root, kind, ns), 0700));
  PODCTL_TRY(write_file_atomic(path_of(root, kind, ns, name), stored.dump(2) + "\n", 0600));
  return verb;
}

Result<std::vector<json>> list_objects(const RootPaths& root, const StoredKind& kind, const std::string& ns) {
  std::vector<json> out;
  std::vector<std::string> namespaces;
  if (cluster_scoped(kind)) {
    namespaces.push_back("");
  } else if (ns.empty()) {
    PODCTL_ASSIGN_OR_RETURN(namespaces, list_dir(root.root + "/" + kind));
  } else {
    namespaces.push_back(ns);
  }
  for (const auto& n : namespaces) {
    if (!cluster_scoped(kind) && !is_store_label(n)) continue;  // not a namespace of ours
    std::vector<std::string> files;
    PODCTL_ASSIGN_OR_RETURN(files, list_dir(dir_of(root, kind, n)));
    for (const auto& f : files) {
      if (f.size() < 6 || f.substr(f.size() - 5) != ".json" || !is_store_name(f.substr(0, f.size() - 5))) continue;
      if (auto o = get_object(root, kind, n, f.substr(0, f.size() - 5))) out.push_back(*o);
    }
  }
  return out;
}

Status delete_object(const RootPaths& root, const StoredKind& kind, const std::string& ns, const std::string& name) {
  if (::unlink(path_of(root, kind, ns, name).c_str()) != 0) {
    if (errno == ENOENT) return fail(not_found(kind, name));
    return fail(sys_error("delete " + kind + " " + name));
  }
  return {};
}

std::map<std::string, std::string> object_payload(const json& object) {
  std::map<std::string, std::string> out;
  bool secret = object.value("kind", "") == "Secret";
  // value() returns a copy: keep it alive for the loop (items() only refers to it).
  const json data = object.value("data", json::object()), binary = object.value("binaryData", json::object());
  for (const auto& [k, v] : data.items())
    out[k] = secret ? base64_decode(v.get<std::string>()).value_or("") : v.get<std::string>();
  for (const auto& [k, v] : binary.items()) out[k] = base64_decode(v.get<std::string>()).value_or("");
  return out;
}

}  // namespace podctl
