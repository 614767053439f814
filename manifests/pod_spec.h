// podctl - typed values of the Kubernetes objects podctl reads (core/v1 Pod, ConfigMap).
// Field names follow the Kubernetes API; see docs/manifest-reference.md for meanings and defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifests/quantity.h"
#include "manifests/scheduling_spec.h"

namespace podctl::manifest {

// Set by podctl's controllers on what they create (a manifest may not set it).
struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
  bool operator==(const OwnerReference&) const = default;
};

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // defaulted to the CLI's namespace when empty
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<OwnerReference> owner_references;
  bool operator==(const ObjectMeta&) const = default;
};

struct IntOrString {
  bool is_string = false;
  int64_t number = 0;
  std::string text;
  bool operator==(const IntOrString&) const = default;
};

struct ExecAction {
  std::vector<std::string> command;
  bool operator==(const ExecAction&) const = default;
};

struct HttpHeader {
  std::string name;
  std::string value;
  bool operator==(const HttpHeader&) const = default;
};

struct HttpGetAction {
  std::string host;    // empty: the pod IP
  std::string path;    // defaulted to "/"
  IntOrString port;    // number or a named container port
  std::string scheme;  // HTTP (default) | HTTPS
  std::vector<HttpHeader> http_headers;
  bool operator==(const HttpGetAction&) const = default;
};

struct TcpSocketAction {
  std::string host;
  IntOrString port;
  bool operator==(const TcpSocketAction&) const = default;
};

struct GrpcAction {
  int64_t port = 0;
  std::optional<std::string> service;
  bool operator==(const GrpcAction&) const = default;
};

struct SleepAction {
  int64_t seconds = 0;
  bool operator==(const SleepAction&) const = default;
};

// A probe or a lifecycle hook: exactly one action is set (validation checks it).
struct Handler {
  std::optional<ExecAction> exec;
  std::optional<HttpGetAction> http_get;
  std::optional<TcpSocketAction> tcp_socket;
  std::optional<GrpcAction> grpc;    // probes only
  std::optional<SleepAction> sleep;  // lifecycle hooks only
  bool operator==(const Handler&) const = default;
};

struct Probe {
  Handler handler;
  int64_t initial_delay_seconds = 0;
  int64_t timeout_seconds = 1;
  int64_t period_seconds = 10;
  int64_t success_threshold = 1;
  int64_t failure_threshold = 3;
  std::optional<int64_t> termination_grace_period_seconds;
  bool operator==(const Probe&) const = default;
};

struct Lifecycle {
  std::optional<Handler> post_start;
  std::optional<Handler> pre_stop;
  bool operator==(const Lifecycle&) const = default;
};

struct ContainerPort {
  std::string name;
  int64_t container_port = 0;
  int64_t host_port = 0;  // 0: not published
  std::string host_ip;
  std::string protocol;  // TCP (default) | UDP | SCTP
  bool operator==(const ContainerPort&) const = default;
};

struct KeyRef {  // configMapKeyRef / secretKeyRef
  std::string name;
  std::string key;
  std::optional<bool> optional;
  bool operator==(const KeyRef&) const = default;
};

struct FieldRef {
  std::string api_version;  // defaulted to "v1"
  std::string field_path;
  bool operator==(const FieldRef&) const = default;
};

struct ResourceFieldRef {
  std::string container_name;
  std::string resource;
  std::optional<Quantity> divisor;
  bool operator==(const ResourceFieldRef&) const = default;
};

struct EnvVarSource {
  std::optional<FieldRef> field_ref;
  std::optional<ResourceFieldRef> resource_field_ref;
  std::optional<KeyRef> config_map_key_ref;
  std::optional<KeyRef> secret_key_ref;
  bool operator==(const EnvVarSource&) const = default;
};

struct EnvVar {
  std::string name;
  std::string value;
  std::optional<EnvVarSource> value_from;
  bool operator==(const EnvVar&) const = default;
};

struct ObjectRef {  // configMapRef / secretRef in envFrom
  std::string name;
  std::optional<bool> optional;
  bool operator==(const ObjectRef&) const = default;
};

struct EnvFromSource {
  std::string prefix;
  std::optional<ObjectRef> config_map_ref;
  std::optional<ObjectRef> secret_ref;
  bool operator==(const EnvFromSource&) const = default;
};

struct VolumeMount {
  std::string name;
  std::string mount_path;
  std::string sub_path;
  bool read_only = false;
  bool operator==(const VolumeMount&) const = default;
};

struct ResourceRequirements {
  std::map<std::string, Quantity> limits;
  std::map<std::string, Quantity> requests;
  bool operator==(const ResourceRequirements&) const = default;
};

struct Capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;
  bool operator==(const Capabilities&) const = default;
};

// securityContext.seccompProfile: RuntimeDefault | Unconfined | Localhost (with a profile's path
// relative to the root's seccomp/ directory).
struct SeccompProfileRef {
  std::string type;
  std::string localhost_profile;
  bool operator==(const SeccompProfileRef&) const = default;
};

struct ContainerSecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<bool> privileged;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> allow_privilege_escalation;
  std::optional<Capabilities> capabilities;
  std::optional<SeccompProfileRef> seccomp_profile;
  bool operator==(const ContainerSecurityContext&) const = default;
};

struct Container {
  std::string name;
  std::string image;
  std::string image_pull_policy;  // defaulted: Always for :latest or no tag, else IfNotPresent
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<ContainerPort> ports;
  std::vector<EnvVar> env;
  std::vector<EnvFromSource> env_from;
  ResourceRequirements resources;
  std::vector<VolumeMount> volume_mounts;
  std::optional<Probe> liveness_probe;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> startup_probe;
  std::optional<Lifecycle> lifecycle;
  std::optional<ContainerSecurityContext> security_context;
  std::optional<std::string> restart_policy;  // init containers only: "Always" makes a sidecar
  std::string termination_message_path;       // defaulted: /dev/termination-log
  std::string termination_message_policy;     // defaulted: File | FallbackToLogsOnError
  bool stdin = false;
  bool tty = false;
  bool operator==(const Container&) const = default;
};

struct KeyToPath {
  std::string key;
  std::string path;
  std::optional<int64_t> mode;
  bool operator==(const KeyToPath&) const = default;
};

struct EmptyDirSource {
  std::string medium;  // "" (node disk) | Memory
  std::optional<Quantity> size_limit;
  bool operator==(const EmptyDirSource&) const = default;
};

struct HostPathSource {
  std::string path;
  std::string type;  // "" | DirectoryOrCreate | Directory | FileOrCreate | File | Socket | CharDevice | BlockDevice
  bool operator==(const HostPathSource&) const = default;
};

struct ConfigMapVolumeSource {  // also used for secret (name holds secretName)
  std::string name;
  std::vector<KeyToPath> items;
  int64_t default_mode = 0644;
  std::optional<bool> optional;
  bool operator==(const ConfigMapVolumeSource&) const = default;
};

// Exactly one of fieldRef and resourceFieldRef (whose containerName is required in a volume).
struct DownwardApiFile {
  std::string path;
  std::optional<FieldRef> field_ref;
  std::optional<ResourceFieldRef> resource_field_ref;
  std::optional<int64_t> mode;
  bool operator==(const DownwardApiFile&) const = default;
};

struct DownwardApiSource {
  std::vector<DownwardApiFile> items;
  int64_t default_mode = 0644;
  bool operator==(const DownwardApiSource&) const = default;
};

// One source of a projected volume: exactly one is set. A projection has no defaultMode of its
// own, and a secret projection names its Secret with `name` (not `secretName`).
struct VolumeProjection {
  std::optional<ConfigMapVolumeSource> config_map;
  std::optional<ConfigMapVolumeSource> secret;
  std::optional<DownwardApiSource> downward_api;
  bool operator==(const VolumeProjection&) const = default;
};

struct ProjectedVolumeSource {
  std::vector<VolumeProjection> sources;
  int64_t default_mode = 0644;
  bool operator==(const ProjectedVolumeSource&) const = default;
};

struct PersistentVolumeClaimSource {
  std::string claim_name;
  bool read_only = false;
  bool operator==(const PersistentVolumeClaimSource&) const = default;
};

struct Volume {
  std::string name;
  std::optional<PersistentVolumeClaimSource> persistent_volume_claim;
  std::optional<EmptyDirSource> empty_dir;
  std::optional<HostPathSource> host_path;
  std::optional<ConfigMapVolumeSource> config_map;
  std::optional<ConfigMapVolumeSource> secret;
  std::optional<DownwardApiSource> downward_api;
  std::optional<ProjectedVolumeSource> projected;
  bool operator==(const Volume&) const = default;
};

struct PodSecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::vector<int64_t> supplemental_groups;
  std::optional<int64_t> fs_group;
  std::optional<SeccompProfileRef> seccomp_profile;
  bool operator==(const PodSecurityContext&) const = default;
};

struct HostAlias {
  std::string ip;
  std::vector<std::string> hostnames;
  bool operator==(const HostAlias&) const = default;
};

struct PodSpec {
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::vector<Volume> volumes;
  std::string restart_policy;  // Always (default) | OnFailure | Never
  int64_t termination_grace_period_seconds = 30;
  std::string dns_policy;  // ClusterFirst (default) | Default
  std::string hostname;
  std::string subdomain;
  std::vector<HostAlias> host_aliases;
  std::optional<bool> share_process_namespace;
  std::optional<bool> enable_service_links;  // unset: true, as the API server defaults it
  std::string service_account_name;          // defaulted: "default"; podctl mounts no token
  PodSecurityContext security_context;
  // Scheduling, evaluated against podctl's one node (docs/manifest-reference.md lists its labels).
  std::map<std::string, std::string> node_selector;
  std::string node_name;       // set: the scheduler is bypassed
  std::string scheduler_name;  // defaulted: default-scheduler; another name is never scheduled
  std::optional<Affinity> affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread_constraints;
  // Pod-level resources (PodLevelResources): cpu and memory for the pod as a whole, enforced on
  // the pod's cgroup; requests default to limits.
  std::optional<ResourceRequirements> resources;
  bool operator==(const PodSpec&) const = default;
};

// v1 PersistentVolumeClaim: a local directory per claim (as kind's and k3s's local-path
// provisioner), bound at once.
struct PersistentVolumeClaim {
  ObjectMeta metadata;
  std::vector<std::string> access_modes;
  std::optional<Quantity> storage;  // resources.requests.storage
  std::optional<std::string> storage_class_name;
  std::string volume_mode;  // Filesystem (default)
  bool operator==(const PersistentVolumeClaim&) const = default;
};

// v1 Namespace: cluster-scoped (metadata.namespace stays empty).
struct Namespace {
  ObjectMeta metadata;
  bool operator==(const Namespace&) const = default;
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;
  bool operator==(const Pod&) const = default;
};

struct ConfigMap {
  ObjectMeta metadata;
  std::map<std::string, std::string> data;
  std::map<std::string, std::string> binary_data;  // base64 text as written
  std::optional<bool> immutable;
  bool operator==(const ConfigMap&) const = default;
};

struct Secret {
  ObjectMeta metadata;
  std::string type;                                // defaulted: Opaque
  std::map<std::string, std::string> data;         // base64 text as written
  std::map<std::string, std::string> string_data;  // plain text; stored merged into data, as the API server does
  std::optional<bool> immutable;
  bool operator==(const Secret&) const = default;
};

}  // namespace podctl::manifest
