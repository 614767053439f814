// podctl scale TYPE/NAME --replicas=N, and podctl rollout status|restart|undo|history TYPE/NAME:
// kubectl's verbs over the stored Deployment (or ReplicaSet, for scale), whose controller does the
// work once told (SIGHUP).
#include <chrono>
#include <iostream>
#include <iterator>

#include "manifests/names.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/rollout_verdict.h"
#include "orchestrator/cli/stored_update.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

constexpr const char* kRevision = "deployment.kubernetes.io/revision";

struct Target {
  std::string kind, name;
};

Result<Target> one_target(const Invocation& inv, size_t first, std::initializer_list<const char*> kinds) {
  std::vector<std::string> args(inv.args.begin() + static_cast<long>(first), inv.args.end());
  PODCTL_ASSIGN_OR_RETURN(auto parsed, resource_args(args));
  bool known = false;
  for (const char* k : kinds) known |= parsed.kind == k;
  if (!known || parsed.names.size() != 1) {
    std::string expected;
    size_t i = 0;
    for (const char* k : kinds) expected += (i++ == 0 ? "" : i == kinds.size() ? " or " : ", ") + singular(k);
    return fail(make_error("expected one " + expected + ", as TYPE NAME or TYPE/NAME (e.g. deployment/web)"));
  }
  if (auto why = manifest::check_dns1123_subdomain(parsed.names[0]); !why.empty())
    return fail(make_error("invalid name \"" + parsed.names[0] + "\": " + why));
  return Target{parsed.kind, parsed.names[0]};
}

// The ReplicaSets a Deployment owns, by revision.
std::map<int64_t, json> revisions(const RootPaths& root, const std::string& ns, const json& deployment) {
  std::map<int64_t, json> out;
  auto sets = list_objects(root, "replicasets", ns);
  if (!sets) return out;
  for (const auto& rs : *sets)
    if (owned_by(rs, deployment["metadata"].value("uid", "")))
      out[std::atoll(rs["metadata"].value("annotations", json::object()).value(kRevision, "0").c_str())] = rs;
  return out;
}

int rollout_status(const Invocation& inv, const Target& t) {
  auto timeout = duration_flag_ms(inv, "timeout");
  if (!timeout) return report_error(timeout.error().message, kExitUsage);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(*timeout > 0 ? *timeout : 1LL << 40);
  RootPaths root{inv.global.root};
  std::string last;
  // kubectl prints each new waiting line, then the verdict.
  for (;;) {
    auto r = wait_for_rollout(root, {t.kind, inv.global.ns, t.name}, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1)));
    if (r.verdict == WatchVerdict::kMet) {
      std::cout << r.detail << "\n";
      return kExitOk;
    }
    if (r.verdict == WatchVerdict::kFailed) return report_error(r.detail);
    if (r.detail != last) std::cout << (last = r.detail) << std::endl;
    if (std::chrono::steady_clock::now() >= deadline) return report_error("timed out waiting for the condition");
  }
}

int rollout_restart(const Invocation& inv, const Target& t, json d) {
  if (auto st = restart_template(inv, t.kind, std::move(d)); !st) return report_error(st.error().message);
  std::cout << printed_kind(t.kind) << "/" << t.name << " restarted\n";
  return kExitOk;
}

int rollout_undo(const Invocation& inv, const Target& t, json d) {
  auto all = revisions(RootPaths{inv.global.root}, inv.global.ns, d);
  int64_t to = inv.get<int64_t>("to-revision");
  if (to == 0) {  // the one before the current
    if (all.size() < 2) return report_error("no rollout history found for " + printed_kind(t.kind) + " \"" + t.name + "\"");
    to = std::prev(all.end(), 2)->first;
  }
  auto it = all.find(to);
  if (it == all.end()) return report_error("unable to find specified revision " + std::to_string(to) + " in history");
  json tmpl = it->second["spec"]["template"];
  tmpl["metadata"]["labels"].erase("pod-template-hash");
  d["spec"]["template"] = tmpl;
  if (auto st = store_and_wake(inv, t.kind, t.name, d); !st) return report_error(st.error().message);
  std::cout << printed_kind(t.kind) << "/" << t.name << " rolled back\n";
  return kExitOk;
}

int rollout_history(const Invocation& inv, const Target& t, const json& d) {
  std::cout << printed_kind(t.kind) << "/" << t.name << "\nREVISION  CHANGE-CAUSE\n";
  for (const auto& [revision, rs] : revisions(RootPaths{inv.global.root}, inv.global.ns, d)) {
    std::string cause = rs["metadata"].value("annotations", json::object()).value("kubernetes.io/change-cause", "<none>");
    std::string r = std::to_string(revision);
    std::cout << r << std::string(r.size() < 10 ? 10 - r.size() : 1, ' ') << cause << "\n";
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

int cmd_rollout(const Invocation& inv) {
  if (inv.args.size() < 2) return report_error("usage: podctl rollout status|restart|undo|history deployment/NAME", kExitUsage);
  const std::string& action = inv.args[0];
  if (action != "status" && action != "restart" && action != "undo" && action != "history")
    return report_error("unknown rollout command \"" + action + "\": status, restart, undo or history", kExitUsage);
  // restart also takes a StatefulSet (its controller rolls a template change out too); the
  // history and status kubectl shows for one are not kept.
  auto t = action == "restart" ? one_target(inv, 1, {"deployments", "statefulsets"}) : one_target(inv, 1, {"deployments"});
  if (!t) return report_error(t.error().message, kExitUsage);
  if (action == "status") return rollout_status(inv, *t);
  auto d = get_object(RootPaths{inv.global.root}, t->kind, inv.global.ns, t->name);
  if (!d) return report_error(d.error().message);
  if (action == "restart") return rollout_restart(inv, *t, *d);
  if (action == "undo") return rollout_undo(inv, *t, *d);
  return rollout_history(inv, *t, *d);
}

void rollout_options(po::options_description& d) {
  d.add_options()("timeout", po::value<std::string>()->default_value("0"), "status: give up after this long (0: never)")(
      "to-revision", po::value<int64_t>()->default_value(0), "undo: the revision to go back to (0: the previous one)");
}

int cmd_scale(const Invocation& inv) {
  if (!inv.has("replicas")) return report_error("scale needs --replicas=N", kExitUsage);
  int64_t replicas = inv.get<int64_t>("replicas");
  if (replicas < 0) return report_error("--replicas must be 0 or more", kExitUsage);
  auto t = one_target(inv, 0, {"deployments", "replicasets", "statefulsets"});
  if (!t) return report_error(t.error().message, kExitUsage);
  auto object = get_object(RootPaths{inv.global.root}, t->kind, inv.global.ns, t->name);
  if (!object) return report_error(object.error().message);
  (*object)["spec"]["replicas"] = replicas;
  if (auto st = store_and_wake(inv, t->kind, t->name, *object); !st) return report_error(st.error().message);
  std::cout << printed_kind(t->kind) << "/" << t->name << " scaled\n";
  return kExitOk;
}

void scale_options(po::options_description& d) {
  d.add_options()("replicas", po::value<int64_t>(), "the new number of replicas");
}

}  // namespace podctl
