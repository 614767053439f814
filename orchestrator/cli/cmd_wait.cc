// podctl wait pod/NAME… | pods --all | pods -l SELECTOR --for=condition=Ready | --for=delete | --for=jsonpath='{.status.phase}'=Succeeded
// [--timeout=60s]: event-driven (inotify on the pod's files), exit 0 once every pod meets the
// condition, 1 on timeout with what was seen last.
#include <chrono>
#include <iostream>

#include "base/files.h"
#include "manifests/label_selector.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/output/json_path.h"

namespace podctl {
namespace {

struct Condition {
  enum Kind { kCondition, kDelete, kJsonPath } kind = kCondition;
  std::string name;      // condition type, or the JSONPath expression
  std::string expected;  // "True" by default for conditions
  std::string describe() const {
    if (kind == kDelete) return "delete";
    if (kind == kJsonPath) return "jsonpath " + name + "=" + expected;
    return "condition=" + name + (expected == "True" ? "" : "=" + expected);
  }
};

std::optional<Condition> parse_for(const std::string& text, std::string* why) {
  Condition c;
  if (text == "delete") {
    c.kind = Condition::kDelete;
    return c;
  }
  if (text.rfind("condition=", 0) == 0) {
    std::string rest = text.substr(10);
    auto eq = rest.find('=');
    c.name = rest.substr(0, eq);
    c.expected = eq == std::string::npos ? "True" : rest.substr(eq + 1);
    if (c.expected == "true") c.expected = "True";
    if (c.expected == "false") c.expected = "False";
    if (!c.name.empty()) return c;
  }
  if (text.rfind("jsonpath=", 0) == 0) {
    std::string rest = text.substr(9);
    auto close = rest.rfind('}');
    if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == '=') {
      c.kind = Condition::kJsonPath;
      c.name = rest.substr(0, close + 1);
      c.expected = rest.substr(close + 2);
      if (valid_json_path(c.name, why)) return c;
      return std::nullopt;
    }
  }
  if (why && why->empty())
    *why = "--for=\"" + text + "\": expected delete, condition=NAME[=VALUE] or jsonpath='{.path}'=VALUE";
  return std::nullopt;
}

WatchResult check(const RootPaths& root, const std::string& ns, const std::string& name, const Condition& c) {
  auto r = read_pod_record(root, ns, name);
  auto verdict = [](bool ok) { return ok ? WatchVerdict::kMet : WatchVerdict::kNotYet; };
  if (c.kind == Condition::kDelete)
    return {verdict(!r && !path_exists(root.pod_dir(ns, name))), r ? "the pod still exists" : "deleted"};
  if (!r) return {WatchVerdict::kNotYet, "the pod does not exist"};
  nlohmann::json pod = pod_object(*r);
  if (c.kind == Condition::kJsonPath) {
    auto v = json_path_value(pod, c.name);
    return {verdict(v && *v == c.expected), c.name + " is " + (v ? "\"" + *v + "\"" : "not set")};
  }
  for (const auto& cond : pod["status"].value("conditions", nlohmann::json::array()))
    if (cond.value("type", "") == c.name)
      return {verdict(cond.value("status", "") == c.expected),
              "condition " + c.name + " is " + cond.value("status", "")};
  return {WatchVerdict::kNotYet,
          "condition " + c.name + " is not reported (phase " + pod["status"].value("phase", "") + ")"};
}

}  // namespace

int cmd_wait(const Invocation& inv) {
  if (!inv.has("for"))
    return report_error("wait needs --for=condition=NAME | delete | jsonpath='{…}'=VALUE", kExitUsage);
  std::string why;
  auto cond = parse_for(inv.get<std::string>("for"), &why);
  if (!cond) return report_error(why, kExitUsage);
  std::vector<std::string> names;
  for (size_t i = 0; i < inv.args.size(); ++i) {
    std::string a = inv.args[i];
    if (a.rfind("pod/", 0) == 0 || a.rfind("pods/", 0) == 0)
      names.push_back(a.substr(a.find('/') + 1));
    else if (resource_kind(a) == "pods")
      continue;
    else
      names.push_back(a);
  }
  const bool all = inv.vm["all"].as<bool>();
  if (all || inv.has("selector")) {
    if (!names.empty()) return report_error("pod names cannot be given with --all or -l", kExitUsage);
    std::optional<manifest::LabelSelector> selector = manifest::LabelSelector{};
    if (inv.has("selector")) selector = manifest::parse_selector(inv.get<std::string>("selector"), &why);
    if (!selector) return report_error("-l: " + why, kExitUsage);
    auto records = list_pod_records(RootPaths{inv.global.root}, inv.global.ns);
    if (!records) return report_error(records.error().message);
    for (const auto& r : *records)
      if (manifest::selector_matches(*selector, r.spec["metadata"].value("labels", std::map<std::string, std::string>{})))
        names.push_back(r.name);
    if (names.empty()) return report_error("no matching resources found");
  }
  if (names.empty())
    return report_error("wait needs pods: podctl wait pod/NAME… (or pods --all, or pods -l SELECTOR) --for=…",
                        kExitUsage);
  if (int bad = refuse_invalid_names("pod", names)) return bad;
  auto timeout = duration_flag_ms(inv, "timeout");
  if (!timeout) return report_error(timeout.error().message, kExitUsage);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout);
  RootPaths root{inv.global.root};
  const std::string& ns = inv.global.ns;
  // As kubectl: a pod that does not exist is an error at once, unless its deletion is awaited.
  if (cond->kind != Condition::kDelete) {
    int rc = kExitOk;
    for (const auto& name : names)
      if (!read_pod_record(root, ns, name)) rc = report_error("pods \"" + name + "\" not found");
    if (rc != kExitOk) return rc;
  }
  // Report each pod as soon as it meets the condition, as kubectl does.
  for (const auto& name : names) {
    auto [at, result] = watch_pods(
        root, ns, {name}, [&](const std::string& n) { return check(root, ns, n, *cond); }, deadline);
    if (result.verdict != WatchVerdict::kMet)
      return report_error("timed out waiting for the condition on pods/" + name + " (" + cond->describe() +
                          "; last seen: " + result.detail + ")");
    std::cout << "pod/" << name << " " << (cond->kind == Condition::kDelete ? "deleted" : "condition met") << "\n";
  }
  return kExitOk;
}

void wait_options(po::options_description& d) {
  d.add_options()("for", po::value<std::string>(),
                  "condition=NAME[=VALUE] (e.g. Ready), delete, or jsonpath='{.status.phase}'=VALUE")(
      "timeout", po::value<std::string>()->default_value("30s"),
      "how long to wait: 30s, 5m, 1h (default 30s); 0 checks once")(
      "all", po::bool_switch()->default_value(false), "every pod of the namespace")(
      "selector,l", po::value<std::string>(), "the pods whose labels match (as get -l)");
}

}  // namespace podctl
