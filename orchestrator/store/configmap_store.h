// podctl - ConfigMaps applied with podctl: ROOT/configmaps/<namespace>/<name>.json.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct StoredConfigMap {
  nlohmann::json object;  // Kubernetes ConfigMap with uid and creationTimestamp
};

// Returns "created", "configured" or "unchanged".
Result<std::string> put_configmap(const RootPaths& root, const nlohmann::json& object);
Result<nlohmann::json> get_configmap(const RootPaths& root, const std::string& ns, const std::string& name);
Result<std::vector<nlohmann::json>> list_configmaps(const RootPaths& root, const std::string& ns);
Status delete_configmap(const RootPaths& root, const std::string& ns, const std::string& name);

}  // namespace podctl
