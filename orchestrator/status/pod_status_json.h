// podctl - the one place where a pod's typed status meets status.json: the supervisor writes it
// with to_json, the CLI reads it back with parse_pod_status. The Kubernetes field names and
// strings (core/v1 PodStatus) live here only.
#pragma once

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "orchestrator/plan/container_status.h"

namespace podctl {

nlohmann::json to_json(const plan::PodStatus& status);
nlohmann::json to_json(const plan::ContainerState& state);

// A status object as status.json holds it (the "status" member). Unknown reasons and phases are
// errors: status.json is podctl's own file, so they mean a different version or a damaged file.
Result<plan::PodStatus> parse_pod_status(const nlohmann::json& status);

}  // namespace podctl
