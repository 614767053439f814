#include "orchestrator/output/describe_workload.h"

#include <map>
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

void pod_template(std::ostringstream& out, const json& tmpl) {
  const json tmpl_meta = tmpl.value("metadata", json::object());
  out << "Pod Template:\n  Labels:  " << pairs(tmpl_meta.value("labels", json::object()), "=", 11) << "\n  Containers:\n";
  const json tmpl_spec = tmpl.value("spec", json::object());
  for (const auto& c : tmpl_spec.value("containers", json::array())) {
    out << "   " << str(c, "name") << ":\n    Image:      " << str(c, "image") << "\n";
    for (const auto& p : c.value("ports", json::array()))
      out << "    Port:       " << p.value("containerPort", 0) << "/" << p.value("protocol", "TCP") << "\n";
  }
}

// The head every workload's description starts with.
void identity(std::ostringstream& out, const json& meta, size_t w) {
  line(out, "Name", str(meta, "name"), w);
  line(out, "Namespace", str(meta, "namespace"), w);
}

std::string pods_status(const PodCounts& c) {
  return std::to_string(c.running) + " Running / " + std::to_string(c.waiting) + " Waiting / " +
         std::to_string(c.succeeded) + " Succeeded / " + std::to_string(c.failed) + " Failed";
}

std::string controlled_by(const json& meta) {
  for (const auto& ref : meta.value("ownerReferences", json::array()))
    if (ref.value("controller", false)) return str(ref, "kind") + "/" + str(ref, "name");
  return "";
}

std::string access_modes(const json& modes) {
  static const std::map<std::string, std::string> kShort = {
      {"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}};
  std::string out;
  for (const auto& m : modes) {
    std::string mode = m.is_string() ? m.get<std::string>() : "";
    append(out, ",", kShort.count(mode) ? kShort.at(mode) : mode);
  }
  return out;
}

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
  pod_template(out, spec.value("template", json::object()));
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

PodCounts count_pods(const std::vector<json>& pods) {
  PodCounts c;
  for (const auto& pod : pods) {
    const json status = pod.value("status", json::object());
    std::string phase = status.value("phase", "Pending");
    if (phase == "Running") ++c.running;
    else if (phase == "Succeeded") ++c.succeeded;
    else if (phase == "Failed") ++c.failed;
    else ++c.waiting;
    for (const auto& cond : status.value("conditions", json::array()))
      if (cond.value("type", "") == "Ready" && cond.value("status", "") == "True") ++c.ready;
  }
  return c;
}

std::string describe_replica_set(const json& rs, const PodCounts& pods) {
  std::ostringstream out;
  const size_t w = 16;  // "Controlled By:" and a space, as kubectl's tabwriter aligns them
  const json meta = rs.value("metadata", json::object()), spec = rs.value("spec", json::object());
  identity(out, meta, w);
  line(out, "Selector", selector_text(spec.value("selector", json::object())), w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  if (std::string owner = controlled_by(meta); !owner.empty()) line(out, "Controlled By", owner, w);
  line(out, "Replicas",
       std::to_string(num(rs.value("status", json::object()), "replicas")) + " current / " +
           std::to_string(spec.value("replicas", int64_t{1})) + " desired",
       w);
  line(out, "Pods Status", pods_status(pods), w);
  pod_template(out, spec.value("template", json::object()));
  return out.str();
}

std::string describe_stateful_set(const json& sts, const PodCounts& pods) {
  std::ostringstream out;
  const size_t w = 20;
  const json meta = sts.value("metadata", json::object()), spec = sts.value("spec", json::object());
  identity(out, meta, w);
  line(out, "CreationTimestamp", str(meta, "creationTimestamp"), w);
  line(out, "Selector", selector_text(spec.value("selector", json::object())), w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  line(out, "Replicas",
       std::to_string(spec.value("replicas", int64_t{1})) + " desired | " +
           std::to_string(num(sts.value("status", json::object()), "replicas")) + " total",
       w);
  const json strategy = spec.value("updateStrategy", json::object());
  line(out, "Update Strategy", str(strategy, "type", "RollingUpdate"), w);
  if (strategy.contains("rollingUpdate"))
    line(out, "  Partition", std::to_string(num(strategy["rollingUpdate"], "partition")), w);
  line(out, "Pods Status", pods_status(pods), w);
  pod_template(out, spec.value("template", json::object()));
  out << "Volume Claims:";
  const json claims = spec.value("volumeClaimTemplates", json::array());
  if (claims.empty()) out << "  <none>";
  out << "\n";
  for (const auto& c : claims) {
    const json cmeta = c.value("metadata", json::object()), cspec = c.value("spec", json::object());
    const json requests = cspec.value("resources", json::object()).value("requests", json::object());
    out << "  Name:          " << str(cmeta, "name") << "\n  StorageClass:  " << str(cspec, "storageClassName", "")
        << "\n  Labels:        " << pairs(cmeta.value("labels", json::object()), "=", 17)
        << "\n  Capacity:      " << str(requests, "storage") << "\n  Access Modes:  ["
        << access_modes(cspec.value("accessModes", json::array())) << "]\n";
  }
  return out.str();
}

std::string describe_job(const json& job, const PodCounts& pods) {
  std::ostringstream out;
  const size_t w = 18;
  const json meta = job.value("metadata", json::object()), spec = job.value("spec", json::object());
  const json st = job.value("status", json::object());
  identity(out, meta, w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  line(out, "Parallelism", std::to_string(spec.value("parallelism", int64_t{1})), w);
  line(out, "Completions", spec.contains("completions") ? str(spec, "completions") : "<unset>", w);
  line(out, "Completion Mode", str(spec, "completionMode", "NonIndexed"), w);
  line(out, "Backoff Limit", std::to_string(spec.value("backoffLimit", int64_t{6})), w);
  if (spec.contains("activeDeadlineSeconds")) line(out, "Active Deadline Seconds", str(spec, "activeDeadlineSeconds") + "s", w + 6);
  line(out, "Start Time", str(st, "startTime"), w);
  if (st.contains("completionTime")) line(out, "Completed At", str(st, "completionTime"), w);
  line(out, "Pods Statuses",
       std::to_string(pods.running + pods.waiting) + " Active (" + std::to_string(pods.ready) + " Ready) / " +
           std::to_string(num(st, "succeeded")) + " Succeeded / " + std::to_string(num(st, "failed")) + " Failed",
       w);
  pod_template(out, spec.value("template", json::object()));
  const json conditions = st.value("conditions", json::array());
  if (!conditions.empty()) {
    out << "Conditions:\n  Type      Status  Reason\n  ----      ------  ------\n";
    for (const auto& c : conditions) {
      std::string type = str(c, "type"), status = str(c, "status");
      out << "  " << type << std::string(type.size() < 10 ? 10 - type.size() : 1, ' ') << status
          << std::string(status.size() < 8 ? 8 - status.size() : 1, ' ') << str(c, "reason", "") << "\n";
    }
  }
  return out.str();
}

std::string describe_claim(const json& pvc, const std::vector<std::string>& used_by) {
  std::ostringstream out;
  const size_t w = 15;
  const json meta = pvc.value("metadata", json::object()), spec = pvc.value("spec", json::object());
  const json st = pvc.value("status", json::object());
  identity(out, meta, w);
  line(out, "StorageClass", str(spec, "storageClassName", ""), w);
  line(out, "Status", str(st, "phase", "Pending"), w);
  line(out, "Volume", str(spec, "volumeName", ""), w);
  line(out, "Labels", pairs(meta.value("labels", json::object()), "=", w), w);
  line(out, "Annotations", pairs(meta.value("annotations", json::object()), ": ", w), w);
  line(out, "Capacity", str(st.value("capacity", json::object()), "storage", ""), w);
  line(out, "Access Modes", access_modes(st.value("accessModes", spec.value("accessModes", json::array()))), w);
  line(out, "VolumeMode", str(spec, "volumeMode", "Filesystem"), w);
  std::string users;
  for (const auto& u : used_by) append(users, "\n" "               ", u);
  line(out, "Used By", users.empty() ? "<none>" : users, w);
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
  if (spec.contains("clusterIP")) line(out, "IP", str(spec, "clusterIP"), w);
  if (spec.contains("externalName")) line(out, "External Name", str(spec, "externalName"), w);
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
