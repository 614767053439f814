#include "orchestrator/store/pod_record.h"

#include "manifests/load.h"

#include <sys/random.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "base/files.h"
#include "orchestrator/store/json_file.h"

namespace podctl {

using nlohmann::json;

Status write_pod_record(const PodRecord& r) {
  json j{{"namespace", r.ns},
         {"name", r.name},
         {"uid", r.uid},
         {"creationTimestamp", r.creation_timestamp},
         {"podIP", r.pod_ip},
         {"hostVeth", r.host_veth},
         {"cgroup", r.cgroup},
         {"specHash", r.spec_hash},
         {"podLevelHash", r.pod_level_hash},
         {"source", r.source},
         {"options",
          {{"restartBackoff", r.options.restart_backoff},
           {"logMaxSize", r.options.log_max_bytes},
           {"logMaxFiles", r.options.log_max_files},
           {"pidsLimit", r.options.pids_limit}}}};
  PODCTL_TRY(write_runtime_file(r.paths.spec(), r.spec.dump(2) + "\n"));
  return write_runtime_file(r.paths.record(), j.dump(2) + "\n");
}

Result<PodRecord> read_pod_record(const RootPaths& root, const std::string& ns, const std::string& name) {
  if (!is_store_label(ns) || !is_store_name(name)) return fail(Error{EINVAL, "invalid pod name " + ns + "/" + name});
  PodRecord r;
  r.paths.dir = root.pod_dir(ns, name);
  auto rec = read_json_file(r.paths.record());
  if (!rec) return fail(rec.error());
  r.ns = rec->value("namespace", ns);
  r.name = rec->value("name", name);
  r.uid = rec->value("uid", "");
  r.creation_timestamp = rec->value("creationTimestamp", "");
  r.pod_ip = rec->value("podIP", "");
  r.host_veth = rec->value("hostVeth", "");
  r.cgroup = rec->value("cgroup", "");
  r.spec_hash = rec->value("specHash", "");
  r.pod_level_hash = rec->value("podLevelHash", "");
  r.source = rec->value("source", "");
  const json options = rec->value("options", json::object());
  r.options.restart_backoff = options.value("restartBackoff", r.options.restart_backoff);
  r.options.log_max_bytes = options.value("logMaxSize", r.options.log_max_bytes);
  r.options.log_max_files = options.value("logMaxFiles", r.options.log_max_files);
  r.options.pids_limit = options.value("pidsLimit", r.options.pids_limit);
  if (auto spec = read_json_file(r.paths.spec())) r.spec = std::move(*spec);
  if (auto status = read_json_file(r.paths.status())) r.status = std::move(*status);
  r.supervisor = read_supervisor_identity(r.paths);
  r.supervisor_alive = r.supervisor && process_alive(*r.supervisor);
  return r;
}

PodRecord unrecorded_pod(const RootPaths& root, const std::string& ns, const std::string& name) {
  PodRecord r;
  r.ns = ns;
  r.name = name;
  r.paths.dir = root.pod_dir(ns, name);
  return r;
}

Result<std::vector<PodRecord>> list_pod_records(const RootPaths& root, const std::string& ns) {
  std::vector<PodRecord> out;
  std::vector<std::string> namespaces;
  if (ns.empty()) {
    PODCTL_ASSIGN_OR_RETURN(namespaces, list_dir(root.pods_dir()));
  } else {
    namespaces.push_back(ns);
  }
  for (const auto& n : namespaces) {
    if (!is_store_label(n)) continue;  // not a namespace of ours
    std::vector<std::string> names;
    PODCTL_ASSIGN_OR_RETURN(names, list_dir(root.namespace_dir(n)));
    for (const auto& name : names) {
      if (!is_store_name(name)) continue;
      // A pod directory without pod.json is one whose creation did not finish; heal handles it.
      auto r = read_pod_record(root, n, name);
      if (r) out.push_back(std::move(*r));
    }
  }
  return out;
}

Result<manifest::Pod> read_stored_spec(const PodPaths& paths, const std::string& ns) {
  auto spec = read_json_file(paths.spec());
  if (!spec) return fail(spec.error());
  manifest::LoadResult loaded;
  manifest::LoadOptions lo;
  lo.default_namespace = ns;
  lo.owner_references_allowed = true;
  manifest::load_text(spec->dump(), paths.spec(), lo, loaded);
  if (!loaded.ok() || loaded.objects.empty())
    return fail(make_error("stored spec is invalid: " + (loaded.errors.empty() ? "empty" : loaded.errors[0])));
  return std::get<manifest::Pod>(loaded.objects[0].object);
}

Status write_supervisor_identity(const PodPaths& paths, const ProcessIdentity& id) {
  return write_process_identity(paths.supervisor_pid(), id);
}

std::optional<ProcessIdentity> read_supervisor_identity(const PodPaths& paths) {
  return read_process_identity(paths.supervisor_pid());
}

}  // namespace podctl
