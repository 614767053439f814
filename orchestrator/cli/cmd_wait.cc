// podctl wait pod/NAME… | job/NAME… | TYPE --all | TYPE -l SELECTOR --for=condition=Ready | --for=delete |
// --for=jsonpath='{.status.phase}'=Succeeded [--timeout=60s]: event-driven (inotify on the pod's
// files, on a workload's controller directory), exit 0 once every object meets the condition, 1 on
// timeout with what was seen last, or at once when a Job awaited to complete has failed.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <thread>

#include "base/files.h"
#include "manifests/label_selector.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/store/object_store.h"
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

bool same_condition(const std::string& a, const std::string& b) {  // kubectl compares them as EqualFold
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

WatchResult verdict_of(bool ok, std::string detail) {
  return {ok ? WatchVerdict::kMet : WatchVerdict::kNotYet, std::move(detail)};
}

// A pod or a workload as `get -o json` shows it: the condition or the JSONPath on that object.
WatchResult check_object(const nlohmann::json& object, const Condition& c) {
  if (c.kind == Condition::kJsonPath) {
    auto v = json_path_value(object, c.name);
    return verdict_of(v && *v == c.expected, c.name + " is " + (v ? "\"" + *v + "\"" : "not set"));
  }
  const auto conditions = object.value("status", nlohmann::json::object()).value("conditions", nlohmann::json::array());
  for (const auto& cond : conditions)
    if (same_condition(cond.value("type", ""), c.name))
      return verdict_of(cond.value("status", "") == c.expected, "condition " + c.name + " is " + cond.value("status", ""));
  // A Job's end is final: one that failed will never complete.
  if (object.value("kind", "") == "Job" && same_condition(c.name, "Complete"))
    for (const auto& cond : conditions)
      if (cond.value("type", "") == "Failed" && cond.value("status", "") == "True")
        return {WatchVerdict::kFailed, "the job failed: " + cond.value("reason", "") + ": " + cond.value("message", "")};
  std::string phase = object.value("status", nlohmann::json::object()).value("phase", "");
  return {WatchVerdict::kNotYet, "condition " + c.name + " is not reported" + (phase.empty() ? "" : " (phase " + phase + ")")};
}

WatchResult check_pod(const RootPaths& root, const std::string& ns, const std::string& name, const Condition& c) {
  auto r = read_pod_record(root, ns, name);
  if (c.kind == Condition::kDelete)
    return verdict_of(!r && !path_exists(root.pod_dir(ns, name)), r ? "the pod still exists" : "deleted");
  if (!r) return {WatchVerdict::kNotYet, "the pod does not exist"};
  return check_object(pod_object(*r), c);
}

struct Target {
  std::string kind;  // "pods", "deployments", "jobs"...
  std::string name;
};

// kubectl's forms: pod/NAME, job/NAME..., TYPE NAME..., bare names (pods); wait takes pods and workloads.
Result<std::vector<Target>> wait_targets(const Invocation& inv) {
  std::vector<Target> out;
  std::string kind = "pods";
  auto takes = [](const std::string& k) { return k == "pods" || is_workload(k); };
  for (const auto& a : inv.args) {
    auto slash = a.find('/');
    std::string word = resource_kind(a.substr(0, slash));
    if (word.empty()) {
      out.push_back({kind, a});
      continue;
    }
    if (!takes(word)) return fail(make_error("wait takes pods, deployments, replicasets, statefulsets and jobs, not " + a));
    if (slash == std::string::npos)
      kind = word;  // TYPE NAME…
    else
      out.push_back({word, a.substr(slash + 1)});
  }
  const bool all = inv.vm["all"].as<bool>();
  if (all || inv.has("selector")) {
    if (!out.empty()) return fail(make_error("names cannot be given with --all or -l"));
    PODCTL_ASSIGN_OR_RETURN(auto selector, selector_option(inv));
    PODCTL_ASSIGN_OR_RETURN(auto names, names_matching(RootPaths{inv.global.root}, kind, inv.global.ns, selector));
    if (names.empty()) return fail(make_error("no matching resources found"));
    for (auto& n : names) out.push_back({kind, std::move(n)});
  }
  return out;
}

WatchResult check_workload(const RootPaths& root, const std::string& ns, const Target& t, const Condition& c) {
  auto stored = get_object(root, t.kind, ns, t.name);
  if (c.kind == Condition::kDelete) return verdict_of(!stored, stored ? "it still exists" : "deleted");
  if (!stored) return {WatchVerdict::kNotYet, "it does not exist"};
  return check_object(with_status(root, t.kind, *stored), c);
}

WatchResult wait_for_workload(const RootPaths& root, const std::string& ns, const Target& t, const Condition& c,
                              std::chrono::steady_clock::time_point deadline) {
  auto check = [&] { return check_workload(root, ns, t, c); };
  if (c.kind != Condition::kDelete)
    return watch_directory(controller_paths(root, {t.kind, ns, t.name}).dir, check, deadline);
  // The controller's directory goes with the object: polled, so that the watch does not make it again.
  for (;;) {
    WatchResult r = check();
    if (r.verdict != WatchVerdict::kNotYet || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

int cmd_wait(const Invocation& inv) {
  if (!inv.has("for"))
    return report_error("wait needs --for=condition=NAME | delete | jsonpath='{…}'=VALUE", kExitUsage);
  std::string why;
  auto cond = parse_for(inv.get<std::string>("for"), &why);
  if (!cond) return report_error(why, kExitUsage);
  auto targets = wait_targets(inv);
  if (!targets) return report_error(targets.error().message, kExitUsage);
  if (targets->empty())
    return report_error("wait needs objects: podctl wait pod/NAME… | job/NAME… (or pods --all, or pods -l SELECTOR) --for=…",
                        kExitUsage);
  for (const auto& t : *targets)
    if (int bad = refuse_invalid_names(singular(t.kind), {t.name})) return bad;
  auto timeout = duration_flag_ms(inv, "timeout");
  if (!timeout) return report_error(timeout.error().message, kExitUsage);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout);
  RootPaths root{inv.global.root};
  const std::string& ns = inv.global.ns;
  // As kubectl: an object that does not exist is an error at once, unless its deletion is awaited.
  if (cond->kind != Condition::kDelete) {
    int rc = kExitOk;
    for (const auto& t : *targets) {
      bool exists = t.kind == "pods" ? read_pod_record(root, ns, t.name).has_value()
                                     : get_object(root, t.kind, ns, t.name).has_value();
      if (!exists) rc = report_error(t.kind + " \"" + t.name + "\" not found");
    }
    if (rc != kExitOk) return rc;
  }
  // Report each object as soon as it meets the condition, as kubectl does.
  for (const auto& t : *targets) {
    WatchResult result;
    if (t.kind == "pods")
      result = watch_pods(root, ns, {t.name}, [&](const std::string& n) { return check_pod(root, ns, n, *cond); }, deadline)
                   .second;
    else
      result = wait_for_workload(root, ns, t, *cond, deadline);
    if (result.verdict == WatchVerdict::kFailed)
      return report_error(printed_kind(t.kind) + "/" + t.name + " will not meet " + cond->describe() + ": " + result.detail);
    if (result.verdict != WatchVerdict::kMet)
      return report_error("timed out waiting for the condition on " + t.kind + "/" + t.name + " (" + cond->describe() +
                          "; last seen: " + result.detail + ")");
    std::cout << printed_kind(t.kind) << "/" << t.name << " " << (cond->kind == Condition::kDelete ? "deleted" : "condition met")
              << "\n";
  }
  return kExitOk;
}

void wait_options(po::options_description& d) {
  d.add_options()("for", po::value<std::string>(),
                  "condition=NAME[=VALUE] (e.g. Ready), delete, or jsonpath='{.status.phase}'=VALUE")(
      "timeout", po::value<std::string>()->default_value("30s"),
      "how long to wait: 30s, 5m, 1h (default 30s); 0 checks once")(
      "all", po::bool_switch()->default_value(false), "every object of the type (pods unless a TYPE is given)")(
      "selector,l", po::value<std::string>(), "the objects whose labels match (pods unless a TYPE is given)");
}

}  // namespace podctl
