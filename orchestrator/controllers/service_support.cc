#include "orchestrator/controllers/service_support.h"

#include <cstdio>
#include <set>

#include "base/files.h"
#include "base/fnv1a.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {

using nlohmann::json;

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
    net::ServicePortRules port{p.value("protocol", "TCP"), p.value("port", 0), {}};
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
    ports.push_back({{"protocol", p.protocol}, {"port", p.port}, {"endpoints", endpoints}});
  }
  json j{{"id", r.id}, {"clusterIP", r.cluster_ip}, {"affinityTimeoutSeconds", r.affinity_timeout_seconds},
         {"ports", ports}};
  return write_file_atomic(rules_path(paths), j.dump(2) + "\n", 0600);
}

Result<json> with_cluster_ip(const PodContext& ctx, json service, const std::optional<json>& existing) {
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
