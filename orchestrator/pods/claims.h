// podctl - PersistentVolumeClaims as kind's and k3s's local-path provisioner serves them: a
// directory per claim under the root (ROOT/volumes/NS/UID), made and bound when the claim is
// applied, kept across the pods that mount it, removed with the claim.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/store/pod_record.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

// Makes the claim's directory (the stored claim, with its uid).
Status provision_claim(const RootPaths& root, const nlohmann::json& claim);
// The pods of the namespace that mount the claim.
std::vector<std::string> pods_using_claim(const std::vector<PodRecord>& pods, const std::string& claim);
// Refused while a pod uses it (as the pvc-protection finalizer holds it); else the object and
// its data go.
Status delete_claim(const RootPaths& root, const std::string& ns, const std::string& name);
// The claim as kubectl shows it: bound to its volume (pvc-UID), with its capacity.
nlohmann::json claim_with_status(const nlohmann::json& claim);

}  // namespace podctl
