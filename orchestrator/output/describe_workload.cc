#include "orchestrator/output/describe_workload.h"

#include <sstream>

namespace podctl {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const std::string& fallback = "<none>") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// `key=value` pairs, one per line, aligned under the value column.
std::string pairs(const json& map, const char* sep, size_t indent) {
  if (!map.is_object() || map.empty()) return "<none>";
  std::string out;
  for (const auto& [k, v] : map.items()) {
    if (!out.empty()) {
      out += '\n';
      out += std::string(indent, ' ');
    }
    out += k;
    out += sep;
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::string selector_text(const json& selector) {
  std::string out;
  const json labels = selector.value("matchLabels", json::object());  // items() needs it alive
  for (const auto& [k, v] : labels.items()) {
    if (!out.empty()) out += ",";
    out += k + "=" + v.get<std::string>();
  }
  return out.empty() ? "<none>" : out;
}

void line(std::ostringstream& out, const std::string& key, const std::string& value, size_t width) {
  out << key << ":" << std::string(key.size() + 1 < width ? width - key.size() - 1 : 1, ' ') << value << "\n";
}

void append(std::string& list, const char* sep, const std::string& item) {
  if (!list.empty()) list += sep;
  list += item;
}

int64_t num(const json& j, const char* key) { return j.is_object() ? j.value(key, int64_t{0}) : 0; }

}  // namespace

std::string describe_deployment(const json& d, const std::vector<json>& sets, const std::string& new_set_name) {
  std::ostringstream out;
  const size_t w = 24;
  const json meta = d.value("metadata", json::object()), spec = d.value("spec", json::object());
  const json st = d.value("status", json::object());
  line(out, "Name", str(meta, "name"), w);
  line(out, "Namespace", str(meta, "namespace"), w);
  line(out, "CreationTimestamp", str(meta, "creationTimestamp"), w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  line(out, "Selector", selector_text(spec.value("selector", json::object())), w);
  int64_t want = spec.value("replicas", int64_t{1});
  line(out, "Replicas",
       std::to_string(want) + " desired | " + std::to_string(num(st, "updatedReplicas")) + " updated | " +
           std::to_string(num(st, "replicas")) + " total | " + std::to_string(num(st, "availableReplicas")) +
           " available | " + std::to_string(num(st, "unavailableReplicas")) + " unavailable",
       w);
  const json strategy = spec.value("strategy", json::object());
  line(out, "StrategyType", str(strategy, "type"), w);
  line(out, "MinReadySeconds", std::to_string(num(spec, "minReadySeconds")), w);
  if (strategy.contains("rollingUpdate")) {
    const json& r = strategy["rollingUpdate"];
    line(out, "RollingUpdateStrategy", str(r, "maxUnavailable") + " max unavailable, " + str(r, "maxSurge") + " max surge",
         w);
  }
  const json tmpl = spec.value("template", json::object());
  const json tmpl_meta = tmpl.value("metadata", json::object());
  out << "Pod Template:\n  Labels:  " << pairs(tmpl_meta.value("labels", json::object()), "=", 11) << "\n  Containers:\n";
  const json tmpl_spec = tmpl.value("spec", json::object());
  for (const auto& c : tmpl_spec.value("containers", json::array())) {
    out << "   " << str(c, "name") << ":\n    Image:      " << str(c, "image") << "\n";
    for (const auto& p : c.value("ports", json::array()))
      out << "    Port:       " << p.value("containerPort", 0) << "/" << p.value("protocol", "TCP") << "\n";
  }
  out << "Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n";
  for (const auto& c : st.value("conditions", json::array())) {
    std::string type = str(c, "type"), status = str(c, "status");
    out << "  " << type << std::string(type.size() < 15 ? 15 - type.size() : 1, ' ') << status
        << std::string(status.size() < 8 ? 8 - status.size() : 1, ' ') << str(c, "reason") << "\n";
  }
  std::string old_sets, new_set = "<none>";
  for (const auto& rs : sets) {
    const json rs_meta = rs.value("metadata", json::object());
    std::string text = str(rs_meta, "name") + " (" + std::to_string(num(rs.value("status", json::object()), "replicas")) +
                       "/" + std::to_string(num(rs.value("spec", json::object()), "replicas")) + " replicas created)";
    if (str(rs_meta, "name") == new_set_name)
      new_set = text;
    else if (num(rs.value("spec", json::object()), "replicas") > 0)
      append(old_sets, ", ", text);
  }
  line(out, "OldReplicaSets", old_sets.empty() ? "<none>" : old_sets, 17);
  line(out, "NewReplicaSet", new_set, 17);
  return out.str();
}

std::string describe_service(const json& s, const std::vector<std::vector<std::string>>& endpoints) {
  std::ostringstream out;
  const size_t w = 19;
  const json meta = s.value("metadata", json::object()), spec = s.value("spec", json::object());
  line(out, "Name", str(meta, "name"), w);
  line(out, "Namespace", str(meta, "namespace"), w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  line(out, "Selector", pairs(spec.value("selector", json::object()), "=", w), w);
  line(out, "Type", str(spec, "type", "ClusterIP"), w);
  line(out, "IP", str(spec, "clusterIP"), w);
  const json status = s.value("status", json::object());
  const json balancer = status.value("loadBalancer", json::object());
  const json ingress = balancer.value("ingress", json::array());
  if (!ingress.empty()) line(out, "LoadBalancer Ingress", str(ingress[0], "ip"), w);
  const json ports = spec.value("ports", json::array());
  for (size_t i = 0; i < ports.size(); ++i) {
    const json& p = ports[i];
    std::string proto = p.value("protocol", "TCP");
    line(out, "Port", str(p, "name", "<unset>") + "  " + std::to_string(p.value("port", 0)) + "/" + proto, w);
    line(out, "TargetPort", str(p, "targetPort") + "/" + proto, w);
    if (p.contains("nodePort"))
      line(out, "NodePort", str(p, "name", "<unset>") + "  " + std::to_string(p.value("nodePort", 0)) + "/" + proto, w);
    std::string eps;
    if (i < endpoints.size())
      for (const auto& e : endpoints[i]) append(eps, ",", e);
    line(out, "Endpoints", eps.empty() ? "<none>" : eps, w);
  }
  line(out, "Session Affinity", str(spec, "sessionAffinity", "None"), w);
  return out.str();
}

}  // namespace podctl
