// podctl - what several verbs share: opening the root, reading pods as Kubernetes objects, and
// resolving the manifests or names a command was given.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/file_lock.h"
#include "manifests/load.h"
#include "manifests/selector_spec.h"
#include "orchestrator/cli/invocation.h"
#include "orchestrator/pods/pod_context.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

// For commands that change pods: the root's lock is held for the life of the returned value.
struct LockedContext {
  PodContext ctx;
  FileLock lock;
};

// create: make the root and its network (first use) if missing; otherwise the root must exist.
Result<LockedContext> open_locked_context(const Invocation& inv, bool create);
PodContext read_only_context(const Invocation& inv);

// The Kubernetes Pod object (metadata with uid and creationTimestamp, spec, status) of a record.
// A pod whose supervisor is gone has phase Unknown.
nlohmann::json pod_object(const PodRecord& record);

// A duration flag as kubectl takes it ("30s", "5m", "1h30m"; a bare number is seconds), in
// milliseconds; an error names the flag and the value.
Result<int64_t> duration_flag_ms(const Invocation& inv, const std::string& flag);

// "pod", "pods", "po" → "pods"; "configmap", "configmaps", "cm" → "configmaps"; "secret(s)" →
// "secrets"; else "".
std::string resource_kind(const std::string& word);

// kubectl's two ways to name objects: `TYPE NAME…` or `TYPE/NAME…` (one type for all). The kind
// comes back as resource_kind gives it ("" for an unknown type, which the verb reports).
struct ResourceArgs {
  std::string kind;
  std::string type_word;  // as the user wrote it, for messages
  std::vector<std::string> names;
};
Result<ResourceArgs> resource_args(const std::vector<std::string>& args);

// The names of the objects of a kind (pods included) in a namespace whose labels match `selector`
// (every one without a selector), sorted.
Result<std::vector<std::string>> names_matching(const RootPaths& root, const std::string& kind, const std::string& ns,
                                                const std::optional<manifest::LabelSelector>& selector);

// -l SELECTOR: none when not given, an error ("-l: …", kubectl's reason) when it does not parse.
Result<std::optional<manifest::LabelSelector>> selector_option(const Invocation& inv);

// A pod argument that may be written `pod/NAME` (exec): the name, or an error for another known
// type (cm/x). Any other text comes back as it is, for the name check to judge.
Result<std::string> pod_name_arg(const std::string& arg);
// pod_name_arg, and also deploy/NAME or rs/NAME: one of its pods (ready and running first, then the
// newest), saying which on stderr when it has several, as kubectl logs and exec do.
Result<std::string> pod_of(const Invocation& inv, const std::string& arg);
// A pod's container names, app containers first: kubectl's default container is the first.
std::vector<std::string> container_names(const PodRecord& record);
// `wanted` when the pod has it (else kubectl's "container x is not valid for pod p"); with `wanted`
// empty, the first app container, noted on stderr as kubectl does when the pod has others.
Result<std::string> pick_container(const PodRecord& record, const std::string& wanted);

// The mark (bridge alias) of this root's bridge.
std::string bridge_owner(const RootPaths& root);

// Names from the command line become paths in the store: each must be a valid object name (a
// DNS-1123 subdomain; for "container", a DNS-1123 label). Returns 0, or reports the first invalid
// one and returns the usage exit code, before any path is built.
int refuse_invalid_names(const std::string& what, const std::vector<std::string>& names);

// "configmaps" → "configmap": the singular kubectl prints in "configmap/x created".
std::string singular(const std::string& kind);

// The resource of a manifest object: "pods", "configmaps", "secrets", "deployments", "replicasets".
std::string resource_of(const manifest::Object& object);
// What kubectl prints before "/NAME created": "pod", "configmap", "deployment.apps", "job.batch".
std::string printed_kind(const std::string& resource);
// Deployments, ReplicaSets and Jobs: objects with a controller process, pods and a status of their own.
bool is_workload(const std::string& resource);
// Workloads and Services: objects with a controller process.
bool is_controlled(const std::string& resource);

}  // namespace podctl
