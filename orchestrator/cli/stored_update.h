// podctl - changes the CLI makes to a stored workload object outside apply (scale, rollout,
// restart): the object is written and its controller told at once.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/error.h"
#include "manifests/field_error.h"
#include "orchestrator/cli/invocation.h"

namespace podctl {

// Writes the changed object and wakes its controller (starting it when it is not running).
Status store_and_wake(const Invocation& inv, const std::string& kind, const std::string& name,
                      const nlohmann::json& object);

// kubectl rollout restart: a new restartedAt annotation on the pod template, so that the
// controller replaces every pod as for any other template change (a rolling update).
Status restart_template(const Invocation& inv, const std::string& kind, nlohmann::json object);

// kubectl apply merges: what the manifest never set stays as other verbs set it. Two such fields
// are carried from `stored` into `applied` unless the manifest (`written`: the paths it sets) has
// them: restart_template's annotation on the template, and the replica count `scale` sets (a
// Deployment, ReplicaSet or StatefulSet whose file says no `replicas`). So applying the same file
// again after a restart or a scale changes nothing.
void keep_omitted_fields(const nlohmann::json& stored, const manifest::PositionMap& written, nlohmann::json& applied);

}  // namespace podctl
