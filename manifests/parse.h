// podctl - YAML documents → typed Pod / ConfigMap values (no defaults, no semantic checks yet).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <variant>

#include "manifests/pod_spec.h"
#include "manifests/service_spec.h"
#include "manifests/workload_spec.h"
#include "manifests/yaml_reader.h"

namespace podctl::manifest {

using Object = std::variant<Pod, ConfigMap, Secret, Deployment, ReplicaSet, Service, Job, PersistentVolumeClaim, StatefulSet, Namespace>;

// Reads one document; type errors, unknown and unsupported fields go to ctx.errors.
// Returns nothing when the document is not an object of a kind podctl reads.
std::optional<Object> parse_object(ParseContext& ctx, const YAML::Node& document);

}  // namespace podctl::manifest
