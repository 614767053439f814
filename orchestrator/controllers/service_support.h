// podctl - what apply, delete and the Service controller share about Services: the id that names
// a service's nftables chains, the rules installed (kept beside its controller), cluster IPs from
// the root's service range, and the names pods resolve (their /etc/hosts).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/service_spec.h"
#include "netsetup/service_rules.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/pods/pod_context.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

std::string service_id(const std::string& ns, const std::string& name);

// The container port a Service's target port names in this pod (a Pod object), or 0.
int resolve_target_port(const manifest::IntOrString& target, const std::string& protocol, const nlohmann::json& pod);

net::ServiceRules read_installed_rules(const ControllerPaths& paths);
Status write_installed_rules(const ControllerPaths& paths, const net::ServiceRules& rules);

// The rules a Service should have now, given the pods of its namespace.
net::ServiceRules service_rules(const manifest::Service& svc, const std::string& cluster_ip,
                                const std::vector<PodRecord>& pods);

// The stored form of a Service to apply: its cluster IP kept from `existing`, taken from the
// range when the manifest leaves it empty, or checked when the manifest gives one. Root lock held.
Result<nlohmann::json> with_cluster_ip(const PodContext& ctx, nlohmann::json service,
                                       const std::optional<nlohmann::json>& existing);
// The Service as kubectl shows it: a LoadBalancer's status.loadBalancer.ingress is the machine's
// own address (kind's and k3s's service load balancers report the node's).
nlohmann::json service_with_status(const nlohmann::json& service);

// with_cluster_ip, and node ports for a NodePort or LoadBalancer Service (kept, given and checked,
// or allocated from 30000-32767 among ports free on the machine).
Result<nlohmann::json> with_addresses(const PodContext& ctx, nlohmann::json service,
                                      const std::optional<nlohmann::json>& existing);

}  // namespace podctl
