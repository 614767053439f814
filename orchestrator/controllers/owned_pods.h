// podctl - what the workload controllers share: reading their stored objects back as typed
// values, the pods and ReplicaSets an object owns, and pods made from a template.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/parse.h"
#include "orchestrator/plan/replica_plan.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

// A stored object (with uid, creationTimestamp, generation) back through the manifest loader.
Result<manifest::Object> typed_object(const nlohmann::json& stored);

// Whether `object` (a stored JSON object) names `owner_uid` as its controller.
bool owned_by(const nlohmann::json& object, const std::string& owner_uid);
std::vector<PodRecord> pods_owned_by(const std::vector<PodRecord>& pods, const std::string& owner_uid);
// The uids whose pods are `owner`'s: its own and, for a Deployment, every ReplicaSet it owns.
std::set<std::string> pod_owner_uids(const nlohmann::json& owner, const std::vector<nlohmann::json>& replica_sets);

// The controller's view of a pod (phase, readiness and since when, restarts, lost, terminating).
plan::OwnedPod observe_pod(const PodRecord& pod);

// A pod of the template named PREFIX-xxxxx (5 characters of rand.String's alphabet; PREFIX is the
// owner's name unless given), owned by the object `owner` (apiVersion, kind, metadata with uid),
// that no pod of `taken` has.
// The name is added to `taken`.
manifest::Pod pod_from_template(const manifest::PodTemplate& tmpl, const nlohmann::json& owner,
                                std::set<std::string>& taken, const std::string& name_prefix = "");
std::set<std::string> pod_names(const std::vector<PodRecord>& pods);

// The ownerReference a controller puts on what it makes.
manifest::OwnerReference controller_reference(const nlohmann::json& owner);

// Milliseconds since the epoch: now, and at an RFC 3339 time (seconds precision).
plan::WallMillis wall_millis();
plan::WallMillis wall_millis_at(const std::string& rfc3339);

}  // namespace podctl
