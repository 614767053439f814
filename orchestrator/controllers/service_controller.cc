// The Service controller's step: the ready pods that match the selector become the endpoints of
// each port (a named targetPort through each pod's own container ports), and the root's nftables
// table is made to match (netsetup/service_rules).
#include <arpa/inet.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <set>

#include "base/fnv1a.h"
#include "base/files.h"
#include "manifests/label_selector.h"
#include "orchestrator/controllers/controllers.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/sandbox/host_ports.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

namespace {

bool pod_is_endpoint(const PodRecord& r, const std::map<std::string, std::string>& selector) {
  if (selector.empty() || r.pod_ip.empty() || !r.supervisor_alive) return false;
  auto labels = r.spec["metadata"].value("labels", std::map<std::string, std::string>{});
  manifest::LabelSelector s;
  s.match_labels = selector;
  if (!manifest::selector_matches(s, labels)) return false;
  auto observed = observe_pod(r);
  return observed.ready && !observed.terminating;
}

}  // namespace

net::ServiceRules service_rules(const manifest::Service& svc, const std::string& cluster_ip,
                                const std::vector<PodRecord>& pods) {
  net::ServiceRules rules;
  rules.id = service_id(svc.metadata.namespace_, svc.metadata.name);
  rules.cluster_ip = cluster_ip;
  if (svc.session_affinity == "ClientIP") rules.affinity_timeout_seconds = svc.affinity_timeout_seconds;
  for (const auto& p : svc.ports) {
    net::ServicePortRules port{p.protocol, static_cast<int>(p.port), static_cast<int>(p.node_port), {}};
    for (const auto& pod : pods) {
      if (!pod_is_endpoint(pod, svc.selector)) continue;
      if (int target = resolve_target_port(p.target_port, p.protocol, pod.spec)) port.endpoints.push_back({pod.pod_ip, target});
    }
    rules.ports.push_back(std::move(port));
  }
  return rules;
}

namespace {

// The ready pods behind the Service (the Endpoints object's addresses), with their hostname when
// they name this Service as their subdomain (the records a headless Service gives them).
json endpoint_addresses(const manifest::Service& svc, const std::vector<PodRecord>& pods) {
  json out = json::array();
  for (const auto& p : pods) {
    if (!pod_is_endpoint(p, svc.selector)) continue;
    json a{{"ip", p.pod_ip}, {"pod", p.name}};
    const json spec = p.spec.value("spec", json::object());
    if (spec.value("subdomain", "") == svc.metadata.name && !spec.value("hostname", "").empty())
      a["hostname"] = spec["hostname"];
    out.push_back(a);
  }
  return out;
}

// A headless Service is only names: its pods' /etc/hosts follow its endpoints.
Status publish_endpoints(const ControllerEnv& env, const ControllerPaths& paths, const json& addresses,
                         bool headless) {
  std::string path = paths.dir + "/endpoints.json";
  auto before = read_json_file(path);
  json now{{"addresses", addresses}};
  if (before && *before == now) return {};
  PODCTL_TRY(write_runtime_file(path, now.dump(2) + "\n", 0600));
  if (!headless) return {};
  PODCTL_ASSIGN_OR_RETURN(auto locked, env.lock());
  return refresh_all_hosts(locked.ctx);
}

constexpr plan::WallMillis kExternalNameRefreshMs = 30'000;

// The addresses the host resolves `name` to (IPv4), each once, in the resolver's order.
json resolve_external_name(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  json out = json::array();
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) return out;
  std::set<std::string> seen;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) && seen.insert(text).second)
      out.push_back({{"ip", text}});
  }
  ::freeaddrinfo(found);
  return out;
}

// An ExternalName Service stands for another name. A hosts file cannot hold a CNAME, so its names
// list the addresses the host resolves that name to, resolved again every 30 s (and at once when
// the name changes); the pods' /etc/hosts follow.
Result<ControllerStep> reconcile_external_name(const ControllerEnv& env, const ControllerPaths& paths,
                                               const manifest::Service& svc) {
  std::string path = paths.dir + "/endpoints.json";
  auto before = read_json_file(path);
  plan::WallMillis now = wall_millis();
  if (before && before->value("externalName", "") == svc.external_name) {
    plan::WallMillis at = before->value("resolvedAt", plan::WallMillis{0});
    if (now - at < kExternalNameRefreshMs) return ControllerStep{false, at + kExternalNameRefreshMs, false};
  }
  json addresses = resolve_external_name(svc.external_name);
  json now_doc{{"addresses", addresses}, {"externalName", svc.external_name}, {"resolvedAt", now}};
  PODCTL_TRY(write_runtime_file(path, now_doc.dump(2) + "\n", 0600));
  if (!before || before->value("addresses", json::array()) != addresses) {
    spdlog::info("service {}: {} is {}", svc.metadata.name, svc.external_name, addresses.dump());
    PODCTL_ASSIGN_OR_RETURN(auto locked, env.lock());
    PODCTL_TRY(refresh_all_hosts(locked.ctx));
  }
  return ControllerStep{false, now + kExternalNameRefreshMs, false};
}

// A node port is held open by the Service's controller for as long as it runs (as kube-proxy's
// port opener does), so that no process of the machine takes it meanwhile.
Status hold_node_ports(const manifest::Service& svc) {
  static std::map<std::pair<int, std::string>, UniqueFd> held;
  for (const auto& p : svc.ports) {
    if (!p.node_port || held.count({static_cast<int>(p.node_port), p.protocol})) continue;
    auto fds = reserve_host_ports({{"", static_cast<int>(p.node_port), p.protocol, "", 0}});
    if (!fds) return fail(fds.error().wrap("nodePort " + std::to_string(p.node_port)));
    held[{static_cast<int>(p.node_port), p.protocol}] = std::move(fds->front());
  }
  return {};
}

}  // namespace

Result<ControllerStep> reconcile_service(const ControllerEnv& env, const nlohmann::json& stored,
                                   const manifest::Service& svc) {
  const auto& ref = env.ref;
  std::string cluster_ip = stored["spec"].value("clusterIP", "");
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(env.ctx.root, ref.ns));
  auto paths = controller_paths(env.ctx.root, ref);
  PODCTL_TRY(make_dirs(paths.dir, 0700));
  auto before = read_installed_rules(paths);
  const bool no_address = cluster_ip.empty() || cluster_ip == "None";
  ControllerStep step;
  if (svc.type == "ExternalName") {
    PODCTL_ASSIGN_OR_RETURN(step, reconcile_external_name(env, paths, svc));
  } else {
    PODCTL_TRY(publish_endpoints(env, paths, endpoint_addresses(svc, pods), no_address));
    PODCTL_TRY(hold_node_ports(svc));  // as stored: apply allocated them
  }
  auto after = no_address ? net::ServiceRules{} : service_rules(svc, cluster_ip, pods);
  if (!(before == after)) {
    PODCTL_TRY(net::sync_service_rules(env.ctx.net.bridge, before, after));
    PODCTL_TRY(write_installed_rules(paths, after));
    size_t n = 0;
    for (const auto& p : after.ports) n += p.endpoints.size();
    spdlog::info("service {}: {} endpoint(s) over {} port(s)", ref.name, n, after.ports.size());
  }
  return step;
}

}  // namespace podctl
