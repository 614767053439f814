// podctl - changes the CLI makes to a stored workload object outside apply (scale, rollout,
// restart): the object is written and its controller told at once.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/error.h"
#include "orchestrator/cli/invocation.h"

namespace podctl {

// Writes the changed object and wakes its controller (starting it when it is not running).
Status store_and_wake(const Invocation& inv, const std::string& kind, const std::string& name,
                      const nlohmann::json& object);

// kubectl rollout restart: a new restartedAt annotation on the pod template, so that the
// controller replaces every pod as for any other template change (a rolling update).
Status restart_template(const Invocation& inv, const std::string& kind, nlohmann::json object);

// kubectl apply merges: what the manifest never set stays as other verbs set it. The one such field
// podctl writes on a template is restart_template's annotation: carried from `stored` into
// `applied` (a Deployment or StatefulSet) unless the manifest sets it, so that applying the same
// file again after a restart changes nothing.
void keep_restart_annotation(const nlohmann::json& stored, nlohmann::json& applied);

}  // namespace podctl
