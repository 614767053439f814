// podctl diff -f FILE|DIR: what apply would change, as kubectl diff shows it: a unified diff of
// each object as it is (LIVE) and as it would be (MERGED), in YAML, with Secret values masked.
// Exit 0: no differences; 1: differences; 2: bad input.
#include <iostream>
#include <set>

#include "manifests/load.h"
#include "manifests/serialize.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/stored_update.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/output/unified_diff.h"
#include "orchestrator/output/yaml_output.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

// The stored object without what the server sets, so that only the user's changes show.
json live_object(const PodContext& ctx, const manifest::LoadedObject& o) {
  const auto& meta = manifest::metadata_of(o.object);
  std::string kind = resource_of(o.object);
  json live;
  if (kind == "pods") {
    if (auto record = read_pod_record(ctx.root, meta.namespace_, meta.name)) live = record->spec;
  } else if (auto stored = get_object(ctx.root, kind, meta.namespace_, meta.name)) {
    live = *stored;
    live["metadata"].erase("uid");
    live["metadata"].erase("creationTimestamp");
    live["metadata"].erase("generation");  // the server's count, as uid: never in a manifest
  }
  return live;
}

// kubectl diff never prints Secret values: "***", or "*** (before)" / "*** (after)" when changed.
void mask_secret_values(json& live, json& merged) {
  auto value = [](const json& o, const std::string& k) {
    return o.contains("data") && o["data"].contains(k) ? o["data"][k] : json();
  };
  std::set<std::string> same;
  if (merged.contains("data"))
    for (const auto& [k, v] : merged["data"].items())
      if (value(live, k) == v) same.insert(k);
  for (auto* side : {&live, &merged})
    if (side->is_object() && side->contains("data"))
      for (auto& [k, v] : (*side)["data"].items())
        v = same.count(k) ? "***" : side == &live ? "*** (before)" : "*** (after)";
}

}  // namespace

int cmd_diff(const Invocation& inv) {
  if (!inv.has("filename")) return report_error("diff needs -f FILE|DIR|-", kExitUsage);
  manifest::LoadOptions lo;
  lo.default_namespace = inv.global.ns;
  lo.namespace_explicit = inv.global.ns_explicit;
  auto loaded = manifest::load_manifests(inv.get<std::vector<std::string>>("filename"), lo);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e << "\n";
    return kExitUsage;
  }
  PodContext ctx = read_only_context(inv);
  bool differs = false;
  for (const auto& o : loaded.objects) {
    json live = live_object(ctx, o);
    json merged = std::visit([](const auto& x) { return manifest::to_json(x); }, o.object);
    if (std::holds_alternative<manifest::Secret>(o.object)) mask_secret_values(live, merged);
    if (!live.is_null()) keep_omitted_fields(live, o.positions, merged);
    // A Service keeps the cluster IP and node ports it was given, as apply keeps them.
    if (!live.is_null() && std::holds_alternative<manifest::Service>(o.object))
      if (auto kept = with_addresses(ctx, merged, live)) merged = *kept;
    const auto& meta = manifest::metadata_of(o.object);
    std::string name = "v1." + manifest::kind_of(o.object) + "." + meta.namespace_ + "." + meta.name;
    std::string diff =
        unified_diff("LIVE/" + name, live.is_null() ? "" : to_yaml(live), "MERGED/" + name, to_yaml(merged));
    if (diff.empty()) continue;
    differs = true;
    std::cout << "diff -u -N LIVE/" << name << " MERGED/" << name << "\n" << diff;
  }
  return differs ? kExitFailure : kExitOk;
}

void diff_options(po::options_description& d) {
  d.add_options()("filename,f", po::value<std::vector<std::string>>(),
                  "manifest file, directory or - for stdin; repeatable");
}

}  // namespace podctl
