// podctl - kubectl describe's layout for the workloads, Services and claims, from their
// Kubernetes objects (with the status their controllers wrote), pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace podctl {

// `sets`: the Deployment's ReplicaSets; `new_set`: the name of the one for its current template.
std::string describe_deployment(const nlohmann::json& deployment, const std::vector<nlohmann::json>& sets,
                                const std::string& new_set);
// The pods of a workload by phase, as "Pods Status: 3 Running / 0 Waiting / 0 Succeeded / 0 Failed".
struct PodCounts {
  int running = 0, waiting = 0, succeeded = 0, failed = 0, ready = 0;
};
PodCounts count_pods(const std::vector<nlohmann::json>& pod_objects);

std::string describe_replica_set(const nlohmann::json& rs, const PodCounts& pods);
std::string describe_stateful_set(const nlohmann::json& sts, const PodCounts& pods);
std::string describe_job(const nlohmann::json& job, const PodCounts& pods);
// `used_by`: the pods that mount the claim.
std::string describe_claim(const nlohmann::json& pvc, const std::vector<std::string>& used_by);

// `endpoints`: "IP:PORT" of the ready endpoints of each port, in the Service's port order.
std::string describe_service(const nlohmann::json& service, const std::vector<std::vector<std::string>>& endpoints);

}  // namespace podctl
