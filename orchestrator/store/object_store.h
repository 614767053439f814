// podctl - ConfigMaps and Secrets applied with podctl: ROOT/<configmaps|secrets>/<namespace>/<name>.json,
// readable by root only (Secrets hold credentials).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

// "configmaps" or "secrets": the resource name, which is also the directory.
using StoredKind = std::string;

// Returns "created", "configured" or "unchanged".
Result<std::string> put_object(const RootPaths& root, const StoredKind& kind, const nlohmann::json& object);
// A missing object is ENOENT with kubectl's message: configmaps "x" not found.
Result<nlohmann::json> get_object(const RootPaths& root, const StoredKind& kind, const std::string& ns,
                                  const std::string& name);
// Every namespace when ns is empty.
Result<std::vector<nlohmann::json>> list_objects(const RootPaths& root, const StoredKind& kind, const std::string& ns);
Status delete_object(const RootPaths& root, const StoredKind& kind, const std::string& ns, const std::string& name);

// The decoded contents, key → bytes: a ConfigMap's data and binaryData, a Secret's data.
std::map<std::string, std::string> object_payload(const nlohmann::json& object);

}  // namespace podctl
