#include "orchestrator/controllers/owned_pods.h"

#include <sys/random.h>

#include <chrono>

#include "base/files.h"
#include "manifests/load.h"
#include "orchestrator/output/pod_printer.h"

namespace podctl {

using nlohmann::json;

Result<manifest::Object> typed_object(const json& stored) {
  json object = stored;
  // Fields the store sets, which the loader (rightly) refuses in a manifest.
  for (const char* key : {"uid", "creationTimestamp", "generation"}) object["metadata"].erase(key);
  object.erase("status");
  manifest::LoadOptions lo;
  lo.default_namespace = stored["metadata"].value("namespace", "default");
  lo.owner_references_allowed = true;
  manifest::LoadResult loaded;
  manifest::load_text(object.dump(), stored.value("kind", "object") + " " + lo.default_namespace + "/" +
                                         stored["metadata"].value("name", ""), lo, loaded);
  if (!loaded.ok() || loaded.objects.empty())
    return fail(make_error("stored object is invalid: " + (loaded.errors.empty() ? "empty" : loaded.errors[0])));
  return loaded.objects[0].object;
}

bool owned_by(const json& object, const std::string& owner_uid) {
  const json meta = object.value("metadata", json::object());
  for (const auto& ref : meta.value("ownerReferences", json::array()))
    if (ref.value("controller", false) && ref.value("uid", "") == owner_uid) return true;
  return false;
}

std::vector<PodRecord> pods_owned_by(const std::vector<PodRecord>& pods, const std::string& owner_uid) {
  std::vector<PodRecord> out;
  for (const auto& p : pods)
    if (owned_by(p.spec, owner_uid)) out.push_back(p);
  return out;
}

std::set<std::string> pod_owner_uids(const json& owner, const std::vector<json>& replica_sets) {
  const std::string uid = owner["metadata"].value("uid", "");
  std::set<std::string> out{uid};
  for (const auto& rs : replica_sets)
    if (owned_by(rs, uid)) out.insert(rs["metadata"].value("uid", ""));
  return out;
}

plan::OwnedPod observe_pod(const PodRecord& r) {
  plan::OwnedPod p;
  p.name = r.name;
  p.created = wall_millis_at(r.creation_timestamp);
  p.lost = !r.supervisor_alive;
  p.terminating = path_exists(r.paths.stop_request());
  const json status = r.status.is_object() ? r.status.value("status", json::object()) : json::object();
  p.phase = status.value("phase", "Pending");
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") != "Ready" || c.value("status", "") != "True") continue;
    p.ready = true;
    p.ready_since = wall_millis_at(c.value("lastTransitionTime", ""));
  }
  for (const auto& cs : status.value("containerStatuses", json::array()))
    p.restarts = std::max<int64_t>(p.restarts, cs.value("restartCount", int64_t{0}));
  return p;
}

manifest::OwnerReference controller_reference(const json& owner) {
  return {owner.value("apiVersion", ""), owner.value("kind", ""), owner["metadata"].value("name", ""),
          owner["metadata"].value("uid", ""), true, true};
}

namespace {

// utilrand.String's alphabet: no vowels (no words), no 0/1/3 (no look-alikes).
std::string random_suffix() {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  unsigned char bytes[5];
  if (::getrandom(bytes, sizeof bytes, 0) != sizeof bytes)
    for (auto& b : bytes) b = static_cast<unsigned char>(std::rand());
  std::string out;
  for (unsigned char b : bytes) out += kAlphabet[b % (sizeof kAlphabet - 1)];
  return out;
}

}  // namespace

std::set<std::string> pod_names(const std::vector<PodRecord>& pods) {
  std::set<std::string> out;
  for (const auto& p : pods) out.insert(p.name);
  return out;
}

manifest::Pod pod_from_template(const manifest::PodTemplate& tmpl, const json& owner, std::set<std::string>& taken,
                                const std::string& name_prefix) {
  manifest::Pod pod{tmpl.metadata, tmpl.spec};
  pod.metadata.namespace_ = owner["metadata"].value("namespace", "default");
  pod.metadata.owner_references = {controller_reference(owner)};
  std::string base = (name_prefix.empty() ? owner["metadata"].value("name", "") : name_prefix) + "-";
  for (;;) {
    pod.metadata.name = base + random_suffix();
    if (taken.insert(pod.metadata.name).second) return pod;
  }
}

plan::WallMillis wall_millis_at(const std::string& rfc3339) {
  return static_cast<plan::WallMillis>(parse_rfc3339(rfc3339)) * 1000;
}

plan::WallMillis wall_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace podctl
