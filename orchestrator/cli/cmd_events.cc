// podctl events [--for TYPE/NAME] [--types T,…] [-A] [-o json|yaml]: kubectl events (and get events),
// over every pod's and every workload controller's event log: one line per event, repeats
// aggregated ("5s (x4 over 40s)").
#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/store/object_store.h"
#include "orchestrator/output/event_lines.h"
#include "orchestrator/output/pod_printer.h"
#include "orchestrator/output/table.h"
#include "orchestrator/output/yaml_output.h"
#include "orchestrator/store/json_file.h"

namespace podctl {
namespace {

using nlohmann::json;

// What an event is about: a pod, or a workload whose controller records events.
struct Involved {
  std::string kind;  // "Pod", "Deployment"...
  std::string resource;  // "pods", "deployments"...
  std::string api_version, ns, name, uid;
};

struct ObjectEvent {
  const Involved* about;
  EventLine line;
};

// The kinds whose controllers record events (SuccessfulCreate, ScalingReplicaSet, Completed...).
const char* const kControllerKinds[] = {"deployments", "replicasets", "statefulsets", "jobs"};

std::string text(const json& e, const char* key) { return e.value(key, ""); }

std::string rfc3339(std::time_t t) {
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The core/v1 Event kubectl would show for it.
json event_object(const ObjectEvent& e, size_t index) {
  const json& first = e.line.first;
  const Involved& a = *e.about;
  json involved{{"kind", a.kind}, {"name", a.name}, {"namespace", a.ns}, {"uid", a.uid}, {"apiVersion", a.api_version}};
  if (!text(first, "object").empty()) involved["fieldPath"] = text(first, "object");
  std::ostringstream name;
  name << a.name << "." << std::hex << (static_cast<uint64_t>(e.line.first_at) * 1000 + index);
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name.str()}, {"namespace", a.ns}, {"creationTimestamp", rfc3339(e.line.first_at)}}},
          {"involvedObject", involved},
          {"type", text(first, "type")},
          {"reason", text(first, "reason")},
          {"message", text(first, "message")},
          {"count", e.line.count},
          {"firstTimestamp", rfc3339(e.line.first_at)},
          {"lastTimestamp", rfc3339(e.line.last_at)},
          {"source", {{"component", "podctl"}, {"host", "localhost"}}}};
}

std::set<std::string> wanted_types(const Invocation& inv) {
  std::set<std::string> out;
  if (!inv.vm.count("types")) return out;
  std::istringstream in(inv.get<std::string>("types"));
  for (std::string t; std::getline(in, t, ',');) out.insert(t);
  return out;
}

void print_events(const std::vector<ObjectEvent>& events, bool all, bool headers) {
  std::time_t now = std::time(nullptr);
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"});
  if (all) rows.back().insert(rows.back().begin(), "NAMESPACE");
  for (const auto& e : events) {
    std::string seen = human_duration(now - e.line.last_at);
    if (e.line.count > 1)
      seen += " (x" + std::to_string(e.line.count) + " over " + human_duration(now - e.line.first_at) + ")";
    rows.push_back({seen, text(e.line.first, "type"), text(e.line.first, "reason"),
                    singular(e.about->resource) + "/" + e.about->name, text(e.line.first, "message")});
    if (all) rows.back().insert(rows.back().begin(), e.about->ns);
  }
  print_table(rows, headers);
}

}  // namespace

namespace {

// Every pod and every workload of the namespace (all when ns is empty), with where its events are.
std::vector<std::pair<Involved, std::string>> event_sources(const RootPaths& root, const std::string& ns) {
  std::vector<std::pair<Involved, std::string>> out;
  if (auto pods = list_pod_records(root, ns))
    for (const auto& p : *pods) out.push_back({{"Pod", "pods", "v1", p.ns, p.name, p.uid}, p.paths.events()});
  for (const char* resource : kControllerKinds) {
    auto objects = list_objects(root, resource, ns);
    if (!objects) continue;
    for (const auto& o : *objects) {
      const auto& meta = o["metadata"];
      ControllerRef ref{resource, meta.value("namespace", ""), meta.value("name", "")};
      out.push_back({{o.value("kind", ""), resource, o.value("apiVersion", ""), ref.ns, ref.name, meta.value("uid", "")},
                     controller_paths(root, ref).events()});
    }
  }
  return out;
}

int print_events_table(const Invocation& inv, const std::string& for_resource, const std::string& for_name) {
  const bool all = inv.vm["all-namespaces"].as<bool>();
  const std::string ns = all ? "" : inv.global.ns;
  std::string output = inv.has("output") ? inv.get<std::string>("output") : "";
  if (!output.empty() && output != "json" && output != "yaml")
    return report_error("-o " + output + ": events print a table, json or yaml", kExitUsage);
  RootPaths root{inv.global.root};
  auto sources = event_sources(root, ns);
  auto wanted = [&](const Involved& a) { return for_name.empty() || (a.resource == for_resource && a.name == for_name); };
  if (!for_name.empty() && std::none_of(sources.begin(), sources.end(), [&](const auto& s) { return wanted(s.first); }))
    return report_error(for_resource + " \"" + for_name + "\" not found");
  auto types = wanted_types(inv);
  std::vector<ObjectEvent> events;
  for (const auto& [about, path] : sources) {
    if (!wanted(about)) continue;
    for (auto& line : aggregate_events(path))
      if (types.empty() || types.count(text(line.first, "type"))) events.push_back({&about, std::move(line)});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const ObjectEvent& a, const ObjectEvent& b) { return a.line.last_at < b.line.last_at; });
  if (output == "json" || output == "yaml") {
    json items = json::array();
    for (size_t i = 0; i < events.size(); ++i) items.push_back(event_object(events[i], i));
    json list{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}, {"metadata", {{"resourceVersion", ""}}}};
    std::cout << (output == "json" ? json_text(list, 4) + "\n" : to_yaml(list));
    return kExitOk;
  }
  if (events.empty()) {
    std::cerr << "No events found" << (all ? "" : " in " + ns + " namespace") << ".\n";
    return kExitOk;
  }
  print_events(events, all, !inv.vm["no-headers"].as<bool>());
  return kExitOk;
}

}  // namespace

int cmd_events(const Invocation& inv) {
  // Also `get events`, whose one argument is the type.
  if (!inv.args.empty() && inv.verb != "get") return report_error("usage: podctl events [--for pod/NAME] [--types Warning] [-A]", kExitUsage);
  std::string for_resource, for_name;
  if (inv.has("for")) {
    std::string target = inv.get<std::string>("for");
    auto slash = target.find('/');
    for_resource = slash == std::string::npos ? "" : resource_kind(target.substr(0, slash));
    bool kept = for_resource == "pods" || std::count(std::begin(kControllerKinds), std::end(kControllerKinds), for_resource);
    if (!kept)
      return report_error("--for " + target +
                              ": podctl keeps events for pods, deployments, replicasets, statefulsets and jobs: "
                              "--for TYPE/NAME",
                          kExitUsage);
    for_name = target.substr(slash + 1);
    if (int bad = refuse_invalid_names(singular(for_resource), {for_name})) return bad;
  }
  return print_events_table(inv, for_resource, for_name);
}

void events_options(po::options_description& d) {
  d.add_options()("for", po::value<std::string>(), "only the events of this object (TYPE/NAME: pod, deployment, replicaset, statefulset, job)")(
      "types", po::value<std::string>(), "only these types, comma-separated: Normal, Warning")(
      "all-namespaces,A", po::bool_switch()->default_value(false), "events of every namespace")(
      "output,o", po::value<std::string>(), "json or yaml: a List of Event objects")(
      "no-headers", po::bool_switch()->default_value(false), "print the table without its header line");
}

}  // namespace podctl
