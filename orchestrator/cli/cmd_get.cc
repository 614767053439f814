// podctl get TYPE[,TYPE…]|all [NAME…] | TYPE/NAME… [-l SELECTOR] [-o wide|json|yaml|name|jsonpath=…]
// [-A] [--show-labels] [-L KEY…]: kubectl's output.
#include <algorithm>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/files.h"
#include "manifests/label_selector.h"
#include "manifests/load.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/field_selector.h"
#include "orchestrator/cli/get_watch.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/output/json_path.h"
#include "orchestrator/output/pod_printer.h"
#include "orchestrator/output/table.h"
#include "orchestrator/output/yaml_output.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/pods/claims.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

int print_objects(const std::vector<json>& objects, const std::string& output, bool single, const std::string& kind,
                  const std::string& ns, const std::function<std::vector<std::string>(const json&)>& row,
                  const std::vector<std::string>& header, bool headers) {
  const bool all_namespaces = ns.empty();
  if (output == "json" || output == "yaml") {
    json out =
        single
            ? objects.at(0)
            : json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}, {"metadata", {{"resourceVersion", ""}}}};
    std::cout << (output == "json" ? json_text(out, 4) + "\n" : to_yaml(out));
    return kExitOk;
  }
  if (output.rfind("jsonpath=", 0) == 0) {
    json target = single ? objects.at(0) : json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}};
    std::string why;
    auto value = json_path_value(target, output.substr(9), &why);
    if (!why.empty()) return report_error(why, kExitUsage);
    std::cout << value.value_or("");
    return kExitOk;
  }
  if (output == "name") {
    for (const auto& o : objects) std::cout << kind << "/" << o["metadata"]["name"].get<std::string>() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back(header);
  if (all_namespaces) rows.back().insert(rows.back().begin(), "NAMESPACE");
  for (const auto& o : objects) {
    rows.push_back(row(o));
    if (all_namespaces) rows.back().insert(rows.back().begin(), o["metadata"]["namespace"].get<std::string>());
  }
  // Column widths still count the header, as kubectl's --no-headers keeps them.
  print_table(rows, headers);
  return kExitOk;
}

using Row = std::function<std::vector<std::string>(const json&)>;

std::string age_of(const json& o, std::time_t now) {
  return human_duration(now - parse_rfc3339(o["metadata"].value("creationTimestamp", "")));
}

std::string count(const json& status, const char* key) { return std::to_string(status.value(key, int64_t{0})); }

// kubectl's wide columns of a workload: its template's containers and images, and its selector.
std::string comma_joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

std::vector<std::string> template_columns(const json& o) {
  std::vector<std::string> names, images, selector;
  for (const auto& c : o["spec"]["template"]["spec"].value("containers", json::array())) {
    names.push_back(c.value("name", ""));
    images.push_back(c.value("image", ""));
  }
  const json match_labels = o["spec"]["selector"].value("matchLabels", json::object());  // items() needs it alive
  for (const auto& [k, v] : match_labels.items())
    selector.push_back(k + "=" + v.get<std::string>());
  return {comma_joined(names), comma_joined(images), comma_joined(selector)};
}

// Namespace objects applied, and the namespaces in use (podctl makes them as objects go into them,
// and `default` always exists).
Result<std::vector<json>> all_namespaces(const RootPaths& root) {
  PODCTL_ASSIGN_OR_RETURN(auto out, list_objects(root, "namespaces", ""));
  std::set<std::string> names{"default"};
  for (const char* kind : {"pods", "configmaps", "secrets", "services", "deployments", "replicasets", "statefulsets",
                           "jobs", "persistentvolumeclaims"})
    if (auto dirs = list_dir(root.root + "/" + kind))
      for (const auto& d : *dirs)
        if (is_store_label(d)) names.insert(d);
  for (const auto& o : out) names.erase(o["metadata"].value("name", ""));
  for (const auto& n : names)
    out.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", n}}},
                   {"status", {{"phase", "Active"}}}});
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["metadata"]["name"] < b["metadata"]["name"]; });
  return out;
}

// "80/TCP", or "80:30080/TCP" with a node port.
std::string port_text(const json& port) {
  std::string out = std::to_string(port.value("port", 0));
  if (port.contains("nodePort")) {
    out += ':';
    out += std::to_string(port.value("nodePort", 0));
  }
  out += '/';
  out += port.value("protocol", "TCP");
  return out;
}

// The columns of `kubectl get KIND` (pods have their own printer).
std::pair<std::vector<std::string>, Row> table_of(const std::string& kind, bool wide, std::time_t now) {
  std::vector<std::string> header;
  Row row;
  if (kind == "deployments") {
    header = {"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"};
    row = [now](const json& o) {
      const json st = o.value("status", json::object());
      return std::vector<std::string>{o["metadata"]["name"],
                                      count(st, "readyReplicas") + "/" + count(o["spec"], "replicas"),
                                      count(st, "updatedReplicas"), count(st, "availableReplicas"), age_of(o, now)};
    };
  } else if (kind == "namespaces") {
    header = {"NAME", "STATUS", "AGE"};
    row = [now](const json& o) {
      bool known = o["metadata"].contains("creationTimestamp");
      return std::vector<std::string>{o["metadata"]["name"], "Active", known ? age_of(o, now) : "<unknown>"};
    };
  } else if (kind == "statefulsets") {
    header = {"NAME", "READY", "AGE"};
    row = [now](const json& o) {
      const json st = o.value("status", json::object());
      return std::vector<std::string>{o["metadata"]["name"],
                                      count(st, "readyReplicas") + "/" + count(o["spec"], "replicas"), age_of(o, now)};
    };
  } else if (kind == "jobs") {
    header = {"NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"};
    row = [now](const json& o) {
      const json st = o.value("status", json::object());
      std::string status = "Running";
      for (const auto& c : st.value("conditions", json::array()))
        if (c.value("status", "") == "True") status = c.value("type", "");
      std::time_t start = parse_rfc3339(st.value("startTime", "")), end = parse_rfc3339(st.value("completionTime", ""));
      std::string duration = start < 0 ? "" : human_duration((end >= 0 ? end : now) - start);
      return std::vector<std::string>{o["metadata"]["name"], status,
                                      count(st, "succeeded") + "/" + count(o["spec"], "completions"), duration,
                                      age_of(o, now)};
    };
  } else if (kind == "persistentvolumeclaims") {
    header = {"NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"};
    row = [now](const json& o) {
      std::vector<std::string> modes;
      for (const auto& m : o["spec"].value("accessModes", json::array())) {
        std::string mode = m;
        modes.push_back(mode == "ReadWriteOnce" ? "RWO" : mode == "ReadOnlyMany" ? "ROX" : mode == "ReadWriteMany" ? "RWX" : "RWOP");
      }
      return std::vector<std::string>{o["metadata"]["name"], o["status"].value("phase", ""),
                                      o["spec"].value("volumeName", ""),
                                      o["status"]["capacity"].value("storage", ""), comma_joined(modes),
                                      o["spec"].value("storageClassName", "<unset>"), age_of(o, now)};
    };
  } else if (kind == "services") {
    header = {"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"};
    row = [now](const json& o) {
      std::vector<std::string> ports;
      for (const auto& p : o["spec"].value("ports", json::array())) ports.push_back(port_text(p));
      std::string ip = o["spec"].value("clusterIP", ""), external = "<none>";
      const json ingress = o.value("status", json::object()).value("loadBalancer", json::object());
      if (ingress.contains("ingress") && !ingress["ingress"].empty()) external = ingress["ingress"][0].value("ip", "");
      if (o["spec"].contains("externalName")) external = o["spec"].value("externalName", "");
      if (ip.empty()) ip = "<none>";
      return std::vector<std::string>{o["metadata"]["name"], o["spec"].value("type", "ClusterIP"), ip,
                                      external, ports.empty() ? "<none>" : comma_joined(ports), age_of(o, now)};
    };
  } else if (kind == "replicasets") {
    header = {"NAME", "DESIRED", "CURRENT", "READY", "AGE"};
    row = [now](const json& o) {
      const json st = o.value("status", json::object());
      return std::vector<std::string>{o["metadata"]["name"], count(o["spec"], "replicas"), count(st, "replicas"),
                                      count(st, "readyReplicas"), age_of(o, now)};
    };
  } else {
    bool secrets = kind == "secrets";
    header = secrets ? std::vector<std::string>{"NAME", "TYPE", "DATA", "AGE"}
                     : std::vector<std::string>{"NAME", "DATA", "AGE"};
    row = [now, secrets](const json& o) {
      size_t n = o.value("data", json::object()).size() + o.value("binaryData", json::object()).size();
      std::vector<std::string> cells{o["metadata"]["name"], std::to_string(n), age_of(o, now)};
      if (secrets) cells.insert(cells.begin() + 1, o.value("type", "Opaque"));
      return cells;
    };
  }
  if (wide && kind == "services") {
    header.push_back("SELECTOR");
    row = [row](const json& o) {
      auto cells = row(o);
      std::vector<std::string> selector;
      const json labels = o["spec"].value("selector", json::object());  // items() needs it alive
      for (const auto& [k, v] : labels.items()) selector.push_back(k + "=" + v.get<std::string>());
      cells.push_back(selector.empty() ? "<none>" : comma_joined(selector));
      return cells;
    };
  }
  if (wide && is_workload(kind)) {
    header.insert(header.end(), {"CONTAINERS", "IMAGES", "SELECTOR"});
    row = [row](const json& o) {
      auto cells = row(o);
      for (auto& c : template_columns(o)) cells.push_back(c);
      return cells;
    };
  }
  return {header, row};
}

}  // namespace

namespace {

// One kind of a get, with the names asked for (none: all of them).
struct GetGroup {
  std::string kind;
  std::vector<std::string> names;
};

// What kubectl's `all` category holds, among the kinds podctl has.
const char* const kAllKinds[] = {"pods", "services", "deployments", "replicasets", "statefulsets", "jobs"};

std::string unknown_type(const std::string& word) {
  return "the server doesn't have a resource type \"" + word +
         "\" (podctl has pods, configmaps, secrets, deployments, replicasets, statefulsets, jobs, services, "
         "persistentvolumeclaims, namespaces, and all)";
}

// `pods`, `po,svc`, `all`, `pods a b`, or `pod/a svc/b`: the kinds in the order asked.
Result<std::vector<GetGroup>> get_groups(const std::vector<std::string>& args) {
  std::vector<GetGroup> out;
  auto group = [&](const std::string& kind) -> GetGroup& {
    for (auto& g : out)
      if (g.kind == kind) return g;
    return out.emplace_back(GetGroup{kind, {}});
  };
  if (args[0].find('/') == std::string::npos) {
    std::istringstream words(args[0]);
    for (std::string word; std::getline(words, word, ',');) {
      if (word == "all") {
        for (const char* k : kAllKinds) group(k);
        continue;
      }
      std::string kind = resource_kind(word);
      if (kind.empty()) return fail(make_error(unknown_type(word)));
      group(kind);
    }
    if (args.size() > 1 && out.size() > 1)
      return fail(make_error("names go with one type: write TYPE/NAME for each (e.g. 'podctl get pod/" + args[1] + "')"));
    if (!out.empty()) out[0].names.assign(args.begin() + 1, args.end());
    return out;
  }
  for (const auto& a : args) {
    auto slash = a.find('/');
    if (slash == std::string::npos)
      return fail(make_error("there is no need to specify a resource type as a separate argument when passing "
                             "arguments in resource/name form (e.g. 'podctl get pod/" + a + "')"));
    std::string kind = resource_kind(a.substr(0, slash));
    if (kind.empty()) return fail(make_error(unknown_type(a.substr(0, slash))));
    group(kind).names.push_back(a.substr(slash + 1));
  }
  return out;
}

// The objects of a group as get shows them (pods and workloads with their status), the names
// asked for only; a name that is not there is reported and makes `rc` a failure.
// A pod whose supervisor is not (yet, or any more) there while it is being made or removed: a
// watch waits for it to settle rather than show it Unknown for a moment.
bool in_transition(const PodRecord& r) {
  return !r.supervisor_alive &&
         (r.status.is_null() || !r.spec.is_object() || path_exists(r.paths.stop_request()));
}

Result<std::vector<json>> group_objects(const RootPaths& root, const GetGroup& g, const std::string& ns, int& rc,
                                        bool watching = false) {
  std::vector<json> all;
  if (g.kind == "pods") {
    PODCTL_ASSIGN_OR_RETURN(auto records, list_pod_records(root, ns));
    for (const auto& r : records)
      if (!watching || !in_transition(r)) all.push_back(pod_object(r));
  } else {
    PODCTL_ASSIGN_OR_RETURN(all, g.kind == "namespaces" ? all_namespaces(root) : list_objects(root, g.kind, ns));
  }
  std::vector<json> out;
  for (const auto& name : g.names) {
    size_t before = out.size();
    for (const auto& o : all)
      if (o["metadata"]["name"] == name) out.push_back(o);
    if (out.size() == before && !watching) rc = report_error(g.kind + " \"" + name + "\" not found");
  }
  if (g.names.empty()) out = std::move(all);
  for (auto& o : out) {
    if (is_workload(g.kind)) o = with_status(root, g.kind, o);
    if (g.kind == "persistentvolumeclaims") o = claim_with_status(o);
    if (g.kind == "services") o = service_with_status(o);
  }
  return out;
}

std::pair<std::vector<std::string>, Row> pod_table(bool wide, std::time_t now) {
  std::vector<std::string> header = {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
  if (wide) header.insert(header.end(), {"IP", "NODE", "NOMINATED NODE", "READINESS GATES"});
  return {header, [wide, now](const json& pod) {
            PodRow r = pod_row(pod, now);
            std::vector<std::string> cells = {r.name, r.ready, r.status, r.restarts, r.age};
            if (wide) {
              std::string node = pod["spec"].value("nodeName", "");
              cells.insert(cells.end(), {r.ip, node.empty() ? "<none>" : node, "<none>", "<none>"});
            }
            return cells;
          }};
}

struct Columns {
  std::vector<std::pair<std::string, std::string>> custom;  // -o custom-columns: header, {path}
  bool show_labels = false;
  std::vector<std::string> label_columns;  // -L
  std::string name_prefix;                 // "pod/" when several kinds are listed
};

// The kind's table, with kubectl's extra columns: -L keys (upper-cased), then LABELS.
std::pair<std::vector<std::string>, Row> columns_of(const std::string& kind, bool wide, std::time_t now,
                                                    const Columns& extra) {
  if (!extra.custom.empty()) {
    std::vector<std::string> header;
    for (const auto& c : extra.custom) header.push_back(c.first);
    return {header, [custom = extra.custom](const json& o) {
              std::vector<std::string> cells;
              for (const auto& c : custom) cells.push_back(json_path_value(o, c.second, nullptr, ",").value_or("<none>"));
              return cells;
            }};
  }
  auto [header, row] = kind == "pods" ? pod_table(wide, now) : table_of(kind, wide, now);
  for (const auto& key : extra.label_columns) {
    std::string title = key.substr(key.rfind('/') + 1);
    for (auto& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    header.push_back(title);
  }
  if (extra.show_labels) header.push_back("LABELS");
  return {header, [row, extra](const json& o) {
            auto cells = row(o);
            cells[0] = extra.name_prefix + cells[0];
            const json labels = o["metadata"].value("labels", json::object());
            for (const auto& key : extra.label_columns) cells.push_back(labels.value(key, ""));
            if (extra.show_labels) {
              std::vector<std::string> pairs;
              for (const auto& [k, v] : labels.items()) pairs.push_back(k + "=" + v.get<std::string>());
              cells.push_back(pairs.empty() ? "<none>" : comma_joined(pairs));
            }
            return cells;
          }};
}

std::vector<std::string> comma_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::istringstream items(v);
    for (std::string item; std::getline(items, item, ',');)
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

// -o custom-columns=NAME:.metadata.name,IP:.status.podIP (a path with or without its braces).
Result<std::vector<std::pair<std::string, std::string>>> parse_custom_columns(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(spec);
  for (std::string column; std::getline(in, column, ',');) {
    auto colon = column.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == column.size())
      return fail(make_error("custom-columns: \"" + column + "\": expected HEADER:JSONPATH, e.g. NAME:.metadata.name"));
    std::string path = column.substr(colon + 1);
    if (path.front() != '{') path = "{" + path + "}";
    std::string why;
    if (!valid_json_path(path, &why)) return fail(make_error("custom-columns: " + why));
    out.emplace_back(column.substr(0, colon), path);
  }
  if (out.empty()) return fail(make_error("custom-columns: no column given"));
  return out;
}

// --sort-by=.metadata.name (or {…}): ascending, numbers as numbers, objects without it first.
void sort_objects(std::vector<json>& objects, const std::string& path) {
  auto key = [&](const json& o) { return json_path_value(o, path); };
  std::stable_sort(objects.begin(), objects.end(), [&](const json& a, const json& b) {
    auto x = key(a), y = key(b);
    if (!x || !y) return !x && y;
    char *end_x = nullptr, *end_y = nullptr;
    double nx = std::strtod(x->c_str(), &end_x), ny = std::strtod(y->c_str(), &end_y);
    if (!x->empty() && !y->empty() && !*end_x && !*end_y) return nx < ny;
    return *x < *y;
  });
}

// get -f: TYPE/NAME of each object of the manifests (checked as apply checks them), all of one
// namespace, which `ns` is set to.
Result<std::vector<std::string>> objects_of_files(const Invocation& inv, std::string& ns) {
  manifest::LoadOptions lo;
  lo.default_namespace = inv.global.ns;
  lo.namespace_explicit = inv.global.ns_explicit;
  auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
  if (!loaded.ok()) return fail(make_error(loaded.errors.front()));
  std::vector<std::string> out;
  for (const auto& o : loaded.objects) {
    const auto& meta = manifest::metadata_of(o.object);
    if (!ns.empty() && meta.namespace_ != ns)
      return fail(make_error("the files' objects are in namespaces " + ns + " and " + meta.namespace_ + ": get them one namespace at a time"));
    ns = meta.namespace_;
    out.push_back(resource_of(o.object) + "/" + meta.name);
  }
  if (out.empty()) return fail(make_error("the files hold no objects"));
  return out;
}

struct Filters {
  std::optional<manifest::LabelSelector> selector;
  std::map<std::string, std::vector<FieldRequirement>> fields;  // by kind: each kind has its own fields
};

Result<std::vector<json>> filtered_objects(const RootPaths& root, const GetGroup& g, const std::string& ns,
                                          const Filters& filters, int& rc, bool watching) {
  PODCTL_ASSIGN_OR_RETURN(auto objects, group_objects(root, g, ns, rc, watching));
  if (filters.selector)
    std::erase_if(objects, [&](const json& o) {
      return !manifest::selector_matches(*filters.selector,
                                         o["metadata"].value("labels", std::map<std::string, std::string>{}));
    });
  if (auto f = filters.fields.find(g.kind); f != filters.fields.end())
    std::erase_if(objects, [&](const json& o) { return !fields_match(f->second, o); });
  return objects;
}

// One line per change, in the output's format; a table's header comes before the first row when
// the listing did not print it (--watch-only, or nothing was there).
int watch_get(const Invocation& inv, const GetGroup& g, const std::string& ns, const Filters& filters,
              const Columns& extra, const std::vector<json>& printed, bool header_printed = false) {
  RootPaths root{inv.global.root};
  std::string output = inv.has("output") ? inv.get<std::string>("output") : "";
  bool header_due = !header_printed && !inv.vm["no-headers"].as<bool>();
  std::map<std::string, std::vector<std::string>> last_shown;
  std::vector<WatchedObject> seen;
  for (const auto& o : printed) seen.push_back({o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", ""), o});
  auto list = [&]() -> Result<std::vector<WatchedObject>> {
    int ignored = kExitOk;  // a named object that is gone is a deletion, not an error
    PODCTL_ASSIGN_OR_RETURN(auto objects, filtered_objects(root, g, ns, filters, ignored, true));
    std::vector<WatchedObject> out;
    for (auto& o : objects) out.push_back({o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", ""), std::move(o)});
    return out;
  };
  auto changed = [&](const WatchedObject& w, bool deleted) {
    const json& o = w.object;
    if (output == "name") {
      std::cout << printed_kind(g.kind) << "/" << o["metadata"].value("name", "") << std::endl;
    } else if (output == "json") {
      std::cout << json_text(o, 4) << std::endl;
    } else if (output == "yaml") {
      std::cout << "---\n" << to_yaml(o) << std::flush;
    } else if (output.rfind("jsonpath=", 0) == 0) {
      std::string why;
      std::cout << json_path_value(o, output.substr(9), &why).value_or("") << std::flush;
    } else {
      auto [header, row] = columns_of(g.kind, output == "wide", std::time(nullptr), extra);
      std::vector<std::vector<std::string>> rows{header, row(o)};
      // A change that shows nothing new (only the age moved on) is not printed.
      std::vector<std::string> shown = rows[1];
      if (auto age = std::find(header.begin(), header.end(), "AGE"); age != header.end()) shown[age - header.begin()].clear();
      if (std::exchange(last_shown[w.key], shown) == shown && !deleted) return;
      if (ns.empty()) {
        rows[0].insert(rows[0].begin(), "NAMESPACE");
        rows[1].insert(rows[1].begin(), o["metadata"].value("namespace", ""));
      }
      print_table(rows, std::exchange(header_due, false));
      std::cout << std::flush;
    }
  };
  return watch_store(root, list, changed, std::move(seen));
}

}  // namespace

int cmd_get(const Invocation& inv) {
  std::vector<std::string> args = inv.args;
  std::string file_ns;
  if (inv.has("filename")) {
    if (!args.empty()) return report_error("names cannot be given with -f: the files name the objects", kExitUsage);
    auto named = objects_of_files(inv, file_ns);
    if (!named) return report_error(named.error().message, kExitUsage);
    args = std::move(*named);
  }
  if (args.empty()) return report_error("get needs a resource type: pods, services, deployments… or all", kExitUsage);
  // Events are not objects of the store: each pod keeps its own (get events is kubectl events).
  if (args.size() == 1 && (args[0] == "events" || args[0] == "event" || args[0] == "ev"))
    return cmd_events(inv);
  if (inv.has("for")) return report_error("--for is for events: podctl get events --for pod/NAME", kExitUsage);
  auto groups = get_groups(args);
  if (!groups) return report_error(groups.error().message, kExitUsage);
  for (const auto& g : *groups)
    if (int bad = refuse_invalid_names(singular(g.kind), g.names)) return bad;
  std::string output = inv.has("output") ? inv.get<std::string>("output") : "";
  const bool headers = !inv.vm["no-headers"].as<bool>();
  if (!output.empty() && output != "wide" && output != "json" && output != "yaml" && output != "name" &&
      output.rfind("jsonpath=", 0) != 0 && output.rfind("custom-columns=", 0) != 0)
    return report_error("unable to match a printer suitable for the output format \"" + output +
                            "\", allowed formats are: custom-columns=SPEC, json, jsonpath=TEMPLATE, name, wide, yaml",
                        kExitUsage);
  if (output.rfind("jsonpath=", 0) == 0)
    if (std::string why; !valid_json_path(output.substr(9), &why)) return report_error(why, kExitUsage);
  std::string sort_by = inv.has("sort-by") ? inv.get<std::string>("sort-by") : "";
  if (!sort_by.empty() && sort_by.front() != '{') sort_by = "{" + sort_by + "}";
  if (std::string why; !sort_by.empty() && !valid_json_path(sort_by, &why))
    return report_error("--sort-by: " + why, kExitUsage);
  auto selector = selector_option(inv);
  if (!selector) return report_error(selector.error().message, kExitUsage);
  if (*selector)
    for (const auto& g : *groups)
      if (!g.names.empty()) return report_error("a name cannot be given with a selector (-l)", kExitUsage);
  std::map<std::string, std::vector<FieldRequirement>> fields;  // by kind: each kind has its own fields
  if (inv.has("field-selector"))
    for (const auto& g : *groups) {
      auto parsed = parse_field_selector(inv.get<std::string>("field-selector"), g.kind);
      if (!parsed) return report_error("--field-selector: " + parsed.error().message, kExitUsage);
      fields[g.kind] = std::move(*parsed);
    }
  Columns extra;
  if (output.rfind("custom-columns=", 0) == 0) {
    auto custom = parse_custom_columns(output.substr(15));
    if (!custom) return report_error(custom.error().message, kExitUsage);
    extra.custom = std::move(*custom);
  }
  extra.show_labels = inv.vm["show-labels"].as<bool>();
  if (inv.has("label-columns")) extra.label_columns = comma_list(inv.get<std::vector<std::string>>("label-columns"));
  const bool all = inv.vm["all-namespaces"].as<bool>();
  const std::string ns = all ? "" : !file_ns.empty() ? file_ns : inv.global.ns;
  RootPaths root{inv.global.root};
  std::time_t now = std::time(nullptr);
  int rc = kExitOk;
  const bool watch = inv.vm["watch"].as<bool>(), watch_only = inv.vm["watch-only"].as<bool>();
  if ((watch || watch_only) && groups->size() != 1)
    return report_error("you may only specify a single resource type with --watch", kExitUsage);
  Filters filters{*selector, fields};
  std::vector<std::pair<GetGroup, std::vector<json>>> found;
  size_t total = 0;
  for (const auto& g : *groups) {
    auto objects = filtered_objects(root, g, ns, filters, rc, false);
    if (!objects) return report_error(objects.error().message);
    if (!sort_by.empty()) sort_objects(*objects, sort_by);
    total += objects->size();
    found.emplace_back(g, std::move(*objects));
  }
  if (total == 0 && rc != kExitOk) return rc;
  // --watch-only: what is there now was listed, not printed; only what changes from here on is.
  if (watch_only) return watch_get(inv, found[0].first, ns, filters, extra, found[0].second);
  const bool several = groups->size() > 1;
  const bool single = !several && found[0].first.names.size() == 1 && total == 1;
  if (output == "json" || output == "yaml" || output.rfind("jsonpath=", 0) == 0) {
    std::vector<json> items;
    for (auto& [g, objects] : found) items.insert(items.end(), objects.begin(), objects.end());
    int printed = print_objects(items, output, single, "", ns, {}, {}, headers);
    if (watch && printed == kExitOk) return watch_get(inv, found[0].first, ns, filters, extra, found[0].second);
    return rc != kExitOk ? rc : printed;
  }
  if (total == 0) {
    // kubectl's words: "No resources found in default namespace."
    std::cerr << "No resources found" << (ns.empty() || (!several && found[0].first.kind == "namespaces") ? "" : " in " + ns + " namespace") << ".\n";
    if (watch) return watch_get(inv, found[0].first, ns, filters, extra, {});
    return rc;
  }
  bool first = true;
  for (const auto& [g, objects] : found) {
    if (objects.empty()) continue;
    if (!first && output != "name") std::cout << "\n";
    first = false;
    extra.name_prefix = several ? printed_kind(g.kind) + "/" : "";
    auto [header, row] = columns_of(g.kind, output == "wide", now, extra);
    // Namespaces have no NAMESPACE column of their own.
    std::string table_ns = g.kind == "namespaces" ? inv.global.ns : ns;
    int printed = print_objects(objects, output, single, printed_kind(g.kind), table_ns, row, header, headers);
    if (printed != kExitOk) rc = printed;
  }
  if (watch && rc == kExitOk) return watch_get(inv, found[0].first, ns, filters, extra, found[0].second, true);
  return rc;
}

void get_options(po::options_description& d) {
  d.add_options()("output,o", po::value<std::string>(),
                  "wide, json, yaml, name, jsonpath='{.items[*].metadata.name}', custom-columns=NAME:.metadata.name")(
      "all-namespaces,A", po::bool_switch()->default_value(false), "list objects of every namespace")(
      "no-headers", po::bool_switch()->default_value(false), "print the table without its header line")(
      "selector,l", po::value<std::string>(), "only objects whose labels match: app=web,tier!=db,env in (a,b),!canary")(
      "field-selector", po::value<std::string>(),
      "only objects whose fields match: status.phase=Running,spec.nodeName=localhost (pods), metadata.name=x")(
      "show-labels", po::bool_switch()->default_value(false), "add a LABELS column")(
      "label-columns,L", po::value<std::vector<std::string>>()->composing(),
      "add a column with the value of each label key (-L app,tier)")(
      "watch,w", po::bool_switch()->default_value(false),
      "after the listing, print a line for each object that appears, changes or goes away (Ctrl-C ends it)")(
      "watch-only", po::bool_switch()->default_value(false), "as --watch, without the listing first")(
      "for", po::value<std::string>(), "get events: only those of this pod (pod/NAME)")(
      "sort-by", po::value<std::string>(), "sort by a field, as a JSONPath: .metadata.name, .status.startTime")(
      "filename,f", po::value<std::vector<std::string>>()->composing(), "the objects of these manifests (FILE, DIR or -)");
}

}  // namespace podctl
