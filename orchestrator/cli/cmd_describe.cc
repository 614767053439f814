// podctl describe TYPE NAME…: a pod with its containers, conditions and events; a workload, Service
// or claim with what it holds; each as kubectl shows it.
#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "manifests/serialize.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/pods/claims.h"
#include "orchestrator/output/describe_workload.h"
#include "orchestrator/store/object_store.h"
#include "orchestrator/output/describe_container.h"
#include "orchestrator/output/event_lines.h"
#include "orchestrator/output/pod_printer.h"

namespace podctl {
namespace {

using nlohmann::json;

std::string field(const json& j, const char* key, const std::string& fallback = "<none>") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// "Labels:           a=1" and the next ones under it, or <none>, as kubectl lays a map out.
void print_pairs(const std::string& title, const json& map, const std::string& separator) {
  std::cout << title << std::string(18 - title.size(), ' ');
  if (!map.is_object() || map.empty()) std::cout << "<none>";
  bool first = true;
  for (const auto& [k, v] : map.items()) {
    if (!first) std::cout << "\n" << std::string(18, ' ');
    std::cout << k << separator << (v.is_string() ? v.get<std::string>() : v.dump());
    first = false;
  }
  std::cout << "\n";
}

// kubectl's toleration lines: KEY[=VALUE][:EFFECT] [op=Exists] [for Ns].
void print_tolerations(const json& tolerations) {
  std::cout << "Tolerations:      ";
  if (tolerations.empty()) std::cout << "<none>\n";
  bool first = true;
  for (const auto& t : tolerations) {
    std::ostringstream line;
    line << t.value("key", "");
    if (!t.value("value", "").empty()) line << "=" << t.value("value", "");
    if (!t.value("effect", "").empty()) line << ":" << t.value("effect", "");
    if (t.value("operator", "") == "Exists") line << (line.tellp() > 0 ? " " : "") << "op=Exists";
    if (t.contains("tolerationSeconds")) line << " for " << t["tolerationSeconds"].dump() << "s";
    if (!first) std::cout << std::string(18, ' ');
    std::cout << line.str() << "\n";
    first = false;
  }
}

// kubectl's time in describe: "Tue, 01 Dec 2026 23:37:53 +0000" (RFC 1123 with a numeric zone).
std::string describe_time(const std::string& rfc3339) {
  auto millis = wall_millis_at(rfc3339);
  if (rfc3339.empty() || millis <= 0) return rfc3339.empty() ? "<none>" : rfc3339;
  std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// A container state as kubectl prints it: its fields in kubectl's order and words.
void print_state(const char* title, const json& state) {
  if (!state.is_object() || state.empty()) return;
  struct Field {
    const char* key;
    const char* label;
    bool time;
  };
  static const Field kFields[] = {{"reason", "Reason", false},     {"message", "Message", false},
                                  {"exitCode", "Exit Code", false}, {"signal", "Signal", false},
                                  {"startedAt", "Started", true},   {"finishedAt", "Finished", true}};
  for (const auto& [kind, s] : state.items()) {
    std::string name = kind == "running" ? "Running" : kind == "waiting" ? "Waiting" : "Terminated";
    std::cout << "    " << title << std::string(16 - std::string(title).size(), ' ') << name << "\n";
    for (const auto& [key, label, time] : kFields) {
      if (!s.contains(key)) continue;
      const json& v = s[key];
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      if (time) value = describe_time(value);
      // A termination message may span lines: each continues under the first, none left empty at the end.
      while (!value.empty() && value.back() == '\n') value.pop_back();
      std::string indent(6 + 14, ' ');
      for (size_t nl = 0; (nl = value.find('\n', nl)) != std::string::npos; nl += indent.size() + 1)
        value.insert(nl + 1, indent);
      const size_t width = std::string_view(label).size();
      std::cout << "      " << label << ":" << std::string(width < 13 ? 13 - width : 1, ' ') << value << "\n";
    }
  }
}

void print_events(const std::string& path, std::time_t now) {
  std::vector<EventLine> events = aggregate_events(path);
  if (events.empty()) {
    std::cout << "Events:                      <none>\n";
    return;
  }
  // The last 50, like the kubelet's event retention on a busy pod.
  size_t start = events.size() > 50 ? events.size() - 50 : 0;
  std::vector<std::array<std::string, 5>> rows = {{"Type", "Reason", "Age", "From", "Message"},
                                                  {"----", "------", "----", "----", "-------"}};
  for (size_t i = start; i < events.size(); ++i) {
    const auto& e = events[i].first;
    std::string age = human_duration(now - events[i].last_at);
    if (events[i].count > 1)
      age += " (x" + std::to_string(events[i].count) + " over " + human_duration(now - events[i].first_at) + ")";
    rows.push_back({field(e, "type"), field(e, "reason"), age, "podctl", field(e, "message")});
  }
  // Columns as wide as their widest cell plus two spaces, as kubectl's tabwriter lays them out
  // (a long reason such as MissingClusterDNS no longer pushes its row out of line).
  std::array<size_t, 4> width{};
  for (const auto& r : rows)
    for (size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], r[c].size() + 2);
  std::cout << "Events:\n";
  for (const auto& r : rows) {
    std::string line = "  ";
    for (size_t c = 0; c < width.size(); ++c) line.append(r[c]).append(width[c] - r[c].size(), ' ');
    std::cout << line << r[4] << "\n";
  }
}

}  // namespace

// The pods a workload owns, as objects (with their status).
std::vector<json> owned_pod_objects(const RootPaths& root, const std::string& ns, const json& owner) {
  std::vector<json> out;
  if (auto records = list_pod_records(root, ns))
    for (const auto& r : pods_owned_by(*records, owner["metadata"].value("uid", ""))) out.push_back(pod_object(r));
  return out;
}

std::string describe_deployment_of(const RootPaths& root, const std::string& ns, const json& stored) {
  std::vector<json> sets;
  if (auto all = list_objects(root, "replicasets", ns))
    for (const auto& rs : *all)
      if (owned_by(rs, stored["metadata"].value("uid", ""))) sets.push_back(with_status(root, "replicasets", rs));
  std::string new_set;
  if (auto typed = typed_object(stored))
    new_set = stored["metadata"].value("name", "") + "-" +
              manifest::pod_template_hash(std::get<manifest::Deployment>(*typed).template_);
  return describe_deployment(with_status(root, "deployments", stored), sets, new_set);
}

std::string describe_service_of(const RootPaths& root, const std::string& ns, const json& stored) {
  auto paths = controller_paths(root, {"services", ns, stored["metadata"].value("name", "")});
  std::vector<std::vector<std::string>> endpoints;
  for (const auto& p : read_installed_rules(paths).ports) {
    endpoints.emplace_back();
    for (const auto& e : p.endpoints) endpoints.back().push_back(e.ip + ":" + std::to_string(e.port));
  }
  return describe_service(service_with_status(stored), endpoints);
}

std::string describe_claim_of(const RootPaths& root, const std::string& ns, const json& stored) {
  std::vector<std::string> used_by;
  if (auto records = list_pod_records(root, ns)) used_by = pods_using_claim(*records, stored["metadata"].value("name", ""));
  return describe_claim(claim_with_status(stored), used_by);
}

// Every kind but pods, as kubectl describes it: a Deployment with its ReplicaSets, a Service with
// its endpoints, a workload with its pods' phases, a claim with the pods that use it.
int describe_other(const Invocation& inv, const ResourceArgs& wanted) {
  RootPaths root{inv.global.root};
  const std::string& ns = inv.global.ns;
  int rc = kExitOk;
  for (const auto& name : wanted.names) {
    auto stored = get_object(root, wanted.kind, ns, name);
    if (!stored) {
      rc = report_error(stored.error().message);
      continue;
    }
    const std::string& kind = wanted.kind;
    std::string text;
    if (kind == "deployments") text = describe_deployment_of(root, ns, *stored);
    if (kind == "services") text = describe_service_of(root, ns, *stored);
    if (kind == "persistentvolumeclaims") text = describe_claim_of(root, ns, *stored);
    PodCounts pods = count_pods(owned_pod_objects(root, ns, *stored));
    if (kind == "replicasets") text = describe_replica_set(with_status(root, kind, *stored), pods);
    if (kind == "statefulsets") text = describe_stateful_set(with_status(root, kind, *stored), pods);
    if (kind == "jobs") text = describe_job(with_status(root, kind, *stored), pods);
    std::cout << text;
    print_events(controller_paths(root, {kind, ns, name}).events(), std::time(nullptr));
    std::cout << "\n";
  }
  return rc;
}

int cmd_describe(const Invocation& inv) {
  auto wanted = resource_args(inv.args);
  if (!wanted) return report_error(wanted.error().message, kExitUsage);
  static const std::set<std::string> kOthers = {"deployments", "replicasets", "statefulsets",
                                                "jobs",        "services",    "persistentvolumeclaims"};
  auto selector = selector_option(inv);
  if (!selector) return report_error(selector.error().message, kExitUsage);
  if (*selector && !wanted->names.empty()) return report_error("a name cannot be given with a selector (-l)", kExitUsage);
  // No name: every object of the type, or those the selector matches, as kubectl describes them.
  if (wanted->names.empty() && (kOthers.count(wanted->kind) || wanted->kind == "pods")) {
    auto names = names_matching(RootPaths{inv.global.root}, wanted->kind, inv.global.ns, *selector);
    if (!names) return report_error(names.error().message);
    if (names->empty()) {
      std::cerr << "No resources found in " << inv.global.ns << " namespace.\n";
      return kExitOk;
    }
    wanted->names = std::move(*names);
  }
  if (kOthers.count(wanted->kind) && !wanted->names.empty()) {
    if (int bad = refuse_invalid_names(singular(wanted->kind), wanted->names)) return bad;
    return describe_other(inv, *wanted);
  }
  if (wanted->kind != "pods" || wanted->names.empty())
    return report_error(
        "usage: podctl describe pod|deployment|replicaset|statefulset|job|service|persistentvolumeclaim NAME… (or "
        "TYPE/NAME…)",
        kExitUsage);
  RootPaths root{inv.global.root};
  int rc = kExitOk;
  std::time_t now = std::time(nullptr);
  if (int bad = refuse_invalid_names("pod", wanted->names)) return bad;
  for (const auto& pod_name : wanted->names) {
    auto r = read_pod_record(root, inv.global.ns, pod_name);
    if (!r) {
      rc = report_error("pods \"" + pod_name + "\" not found");
      continue;
    }
    json pod = pod_object(*r);
    const json& status = pod["status"];
    std::string node = pod["spec"].value("nodeName", "");
    std::cout << "Name:             " << r->name << "\nNamespace:        " << r->ns << "\nPriority:         0"
              << "\nService Account:  "
              << pod["spec"].value("serviceAccountName", "default") << " (podctl mounts no token)"
              << "\nNode:             " << (node.empty() ? "<none>" : node + "/" + field(status, "hostIP"))
              << "\nStart Time:       " << describe_time(field(status, "startTime", "")) << "\n";
    print_pairs("Labels:", pod["metadata"].value("labels", json::object()), "=");
    print_pairs("Annotations:", pod["metadata"].value("annotations", json::object()), ": ");
    // kubectl's: the phase (Terminating while a delete is under way), then the pod's own reason.
    bool deleting = pod["metadata"].contains("deletionTimestamp");
    std::cout << "Status:           " << (deleting ? "Terminating" : field(status, "phase"));
    if (status.contains("reason")) std::cout << "\nReason:           " << field(status, "reason");
    if (status.contains("message")) std::cout << "\nMessage:          " << field(status, "message");
    std::cout << "\nIP:               " << field(status, "podIP") << "\nIPs:\n  IP:  " << field(status, "podIP")
              << "\nUID:              " << r->uid << "\n";
    for (const auto& owner : pod["metadata"].value("ownerReferences", json::array()))
      if (owner.value("controller", false))
        std::cout << "Controlled By:    " << field(owner, "kind") << "/" << field(owner, "name") << "\n";
    if (!pod["spec"].contains("initContainers")) std::cout << "Containers:\n";
    const json& runtime = r->status.is_object() ? r->status.value("runtime", json::object()) : json::object();
    for (const char* kind : {"initContainers", "containers"}) {
      const json& specs = pod["spec"].value(kind, json::array());
      if (specs.empty()) continue;
      const bool init = std::string(kind) == "initContainers";
      if (init)
        std::cout << "Init Containers:\n";
      else if (pod["spec"].contains("initContainers"))
        std::cout << "Containers:\n";
      const json& statuses = status.value(init ? "initContainerStatuses" : "containerStatuses", json::array());
      for (const auto& c : specs) {
        std::string name = c["name"];
        json cs = json::object();
        for (const auto& s : statuses)
          if (s["name"] == name) cs = s;
        std::cout << "  " << name << ":\n    Container ID:   " << field(cs, "containerID")
                  << "\n    Image:          " << field(c, "image") << "\n    Image ID:       " << field(cs, "imageID");
        auto procs = runtime.value("containers", json::object());
        if (procs.contains(name)) std::cout << "\n    Host PID:       " << procs[name]["pid"];
        std::cout << "\n" << describe_ports(c) << describe_command(c);
        print_state("State:", cs.value("state", json::object()));
        print_state("Last State:", cs.value("lastState", json::object()));
        std::cout << "    Ready:          " << (cs.value("ready", false) ? "True" : "False")
                  << "\n    Restart Count:  " << cs.value("restartCount", 0) << "\n"
                  << describe_probes(c) << describe_environment(c) << describe_mounts(c);
      }
    }
    std::cout << "Conditions:\n  Type                        Status\n";
    for (const auto& c : status.value("conditions", json::array())) {
      std::string type = field(c, "type");
      std::cout << "  " << type << std::string(type.size() < 28 ? 28 - type.size() : 1, ' ') << field(c, "status")
                << "\n";
    }
    std::cout << describe_volumes(pod["spec"]);
    std::cout << "QoS Class:        " << field(status, "qosClass", "BestEffort") << "\n";
    print_pairs("Node-Selectors:", pod["spec"].value("nodeSelector", json::object()), "=");
    print_tolerations(pod["spec"].value("tolerations", json::array()));
    print_events(r->paths.events(), now);
  }
  return rc;
}

void describe_options(po::options_description& d) {
  d.add_options()("selector,l", po::value<std::string>(), "describe the objects of the type whose labels match");
}

}  // namespace podctl
