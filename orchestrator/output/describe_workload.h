// podctl - kubectl describe's layout for a Deployment and a Service, from their Kubernetes objects
// (with the status their controllers wrote), pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace podctl {

// `sets`: the Deployment's ReplicaSets; `new_set`: the name of the one for its current template.
std::string describe_deployment(const nlohmann::json& deployment, const std::vector<nlohmann::json>& sets,
                                const std::string& new_set);
// `endpoints`: "IP:PORT" of the ready endpoints of each port, in the Service's port order.
std::string describe_service(const nlohmann::json& service, const std::vector<std::vector<std::string>>& endpoints);

}  // namespace podctl
