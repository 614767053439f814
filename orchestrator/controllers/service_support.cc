#include "orchestrator/controllers/service_support.h"

#include <cstdio>
#include <set>

#include "base/files.h"
#include "base/fnv1a.h"
#include "base/identifiers.h"
#include "netsetup/host_address.h"
#include "orchestrator/sandbox/host_ports.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

int resolve_target_port(const manifest::IntOrString& target, const std::string& protocol, const json& pod) {
  if (!target.is_string) return static_cast<int>(target.number);
  for (const auto& c : pod["spec"].value("containers", json::array()))
    for (const auto& p : c.value("ports", json::array()))
      if (p.value("name", "") == target.text && p.value("protocol", "TCP") == protocol)
        return p.value("containerPort", 0);
  return 0;
}

std::string service_id(const std::string& ns, const std::string& name) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(ns + "/" + name)));
  return std::string(buf, 12);
}

namespace {

std::string rules_path(const ControllerPaths& paths) { return paths.dir + "/rules.json"; }

}  // namespace

net::ServiceRules read_installed_rules(const ControllerPaths& paths) {
  net::ServiceRules r;
  auto j = read_json_file(rules_path(paths));
  if (!j) return r;
  r.id = j->value("id", "");
  r.cluster_ip = j->value("clusterIP", "");
  r.affinity_timeout_seconds = j->value("affinityTimeoutSeconds", int64_t{0});
  for (const auto& p : j->value("ports", json::array())) {
    net::ServicePortRules port{p.value("protocol", "TCP"), p.value("port", 0), p.value("nodePort", 0), {}};
    for (const auto& e : p.value("endpoints", json::array())) port.endpoints.push_back({e.value("ip", ""), e.value("port", 0)});
    r.ports.push_back(std::move(port));
  }
  return r;
}

Status write_installed_rules(const ControllerPaths& paths, const net::ServiceRules& r) {
  json ports = json::array();
  for (const auto& p : r.ports) {
    json endpoints = json::array();
    for (const auto& e : p.endpoints) endpoints.push_back({{"ip", e.ip}, {"port", e.port}});
    ports.push_back({{"protocol", p.protocol}, {"port", p.port}, {"nodePort", p.node_port}, {"endpoints", endpoints}});
  }
  json j{{"id", r.id}, {"clusterIP", r.cluster_ip}, {"affinityTimeoutSeconds", r.affinity_timeout_seconds},
         {"ports", ports}};
  return write_runtime_file(rules_path(paths), j.dump(2) + "\n", 0600);
}

namespace {

bool port_free_now(int port, const std::string& protocol) {
  auto held = reserve_host_ports({{"", port, protocol, "", 0}});
  return held.has_value();  // released at once: the Service's controller holds it from now on
}

// Every port of a NodePort or LoadBalancer Service gets a node port: kept from the stored
// Service, given, or the first free one of 30000-32767 from a random start (as the allocator).
Result<json> with_node_ports(const PodContext& ctx, json service, const std::optional<json>& existing) {
  std::string type = service["spec"].value("type", "ClusterIP");
  if (type != "NodePort" && type != "LoadBalancer") return service;
  PODCTL_ASSIGN_OR_RETURN(auto others, list_objects(ctx.root, "services", ""));
  std::set<int> used;
  const std::string me = service["metadata"].value("namespace", "") + "/" + service["metadata"].value("name", "");
  for (const auto& o : others)
    if (o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", "") != me)
      for (const auto& p : o["spec"].value("ports", json::array())) used.insert(p.value("nodePort", 0));
  for (auto& p : service["spec"]["ports"]) {
    if (existing && !p.contains("nodePort"))
      for (const auto& old : (*existing)["spec"].value("ports", json::array()))
        if (old.value("port", 0) == p.value("port", 0) && old.value("protocol", "") == p.value("protocol", ""))
          if (old.value("nodePort", 0)) p["nodePort"] = old["nodePort"];
    std::string protocol = p.value("protocol", "TCP");
    if (p.contains("nodePort")) {
      int asked = p["nodePort"];
      if (used.count(asked)) return fail(make_error("spec.ports: nodePort " + std::to_string(asked) + ": provided port is already allocated"));
      used.insert(asked);
      continue;
    }
    int start = 30000 + static_cast<int>(std::hash<std::string>{}(new_uid()) % 2768);
    for (int i = 0; i < 2768 && !p.contains("nodePort"); ++i) {
      int port = 30000 + (start - 30000 + i) % 2768;
      if (!used.count(port) && port_free_now(port, protocol)) p["nodePort"] = port, used.insert(port);
    }
    if (!p.contains("nodePort")) return fail(make_error("no node port is left in 30000-32767"));
  }
  return service;
}

}  // namespace

json service_with_status(const json& service) {
  json out = service;
  out["status"] = {{"loadBalancer", json::object()}};
  if (service["spec"].value("type", "") == "LoadBalancer") {
    std::string ip = net::primary_host_address();
    if (!ip.empty()) out["status"]["loadBalancer"]["ingress"] = json::array({{{"ip", ip}, {"ipMode", "VIP"}}});
  }
  return out;
}

Result<json> with_addresses(const PodContext& ctx, json service, const std::optional<json>& existing) {
  PODCTL_ASSIGN_OR_RETURN(service, with_node_ports(ctx, std::move(service), existing));
  return with_cluster_ip(ctx, std::move(service), existing);
}

Result<json> with_cluster_ip(const PodContext& ctx, json service, const std::optional<json>& existing) {
  if (service["spec"].value("type", "") == "ExternalName") {  // a name for another name: no address
    service["spec"].erase("clusterIP");
    return service;
  }
  const auto& range = ctx.net.service_subnet;
  std::string asked = service["spec"].value("clusterIP", "");
  std::string had = existing ? (*existing)["spec"].value("clusterIP", "") : "";
  if (!had.empty() && (asked.empty() || asked == had)) {
    service["spec"]["clusterIP"] = had;
    return service;
  }
  if (!had.empty())
    return fail(make_error("spec.clusterIP: \"" + asked + "\": field is immutable (it is " + had +
                           "; delete the Service to change it)"));
  if (asked == "None") return service;
  PODCTL_ASSIGN_OR_RETURN(auto others, list_objects(ctx.root, "services", ""));
  std::set<std::string> used;
  for (const auto& o : others) used.insert(o["spec"].value("clusterIP", ""));
  if (!asked.empty()) {
    auto ip = parse_ip(asked);
    if (!ip || !range.contains(*ip) || *ip == range.network() || *ip == range.broadcast())
      return fail(make_error("spec.clusterIP: \"" + asked +
                             "\": provided IP is not in the valid range. The range of valid IPs is " +
                             ctx.net.service_subnet_text()));
    if (used.count(asked))
      return fail(make_error("spec.clusterIP: \"" + asked + "\": provided IP is already allocated"));
    return service;
  }
  for (uint32_t ip = range.network() + 1; ip < range.broadcast(); ++ip) {
    if (used.count(ip_to_string(ip))) continue;
    service["spec"]["clusterIP"] = ip_to_string(ip);
    return service;
  }
  return fail(make_error("no cluster IP is left in the service range " + ctx.net.service_subnet_text()));
}

}  // namespace podctl
