// podctl - one pod as the store keeps it: identity and network (pod.json), desired spec
// (spec.json), observed status (status.json) and the supervisor's identity (supervisor.pid).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/identifiers.h"
#include "base/process_identity.h"
#include "manifests/pod_spec.h"
#include "orchestrator/store/pod_options.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct PodRecord {
  std::string ns;
  std::string name;
  std::string uid;
  std::string creation_timestamp;  // RFC 3339
  std::string pod_ip;
  std::string host_veth;
  std::string cgroup;  // the pod's cgroup v2 directory
  std::string spec_hash;
  std::string pod_level_hash;  // what an in-place update may not change
  PodOptions options;
  std::string source;  // the manifest file apply read it from (absolute), "STDIN", or "" (a controller's)
  PodPaths paths;

  nlohmann::json spec;    // Kubernetes Pod object (apiVersion, kind, metadata, spec)
  nlohmann::json status;  // {"status": Kubernetes PodStatus, "runtime": podctl details}, may be null
  std::optional<ProcessIdentity> supervisor;
  bool supervisor_alive = false;
};

Status write_pod_record(const PodRecord& record);
Result<PodRecord> read_pod_record(const RootPaths& root, const std::string& ns, const std::string& name);
// A pod directory without pod.json (a creation that died half-way): only what cleanup needs.
PodRecord unrecorded_pod(const RootPaths& root, const std::string& ns, const std::string& name);
// All pods of a namespace, or of every namespace when ns is empty; sorted by namespace, name.
Result<std::vector<PodRecord>> list_pod_records(const RootPaths& root, const std::string& ns);

// The stored spec (spec.json) read back with the same loader and validation as apply.
Result<manifest::Pod> read_stored_spec(const PodPaths& paths, const std::string& ns);

Status write_supervisor_identity(const PodPaths& paths, const ProcessIdentity& id);
std::optional<ProcessIdentity> read_supervisor_identity(const PodPaths& paths);

}  // namespace podctl
