#include "orchestrator/image/image_document.h"

#include "base/digest.h"

namespace podctl {

using nlohmann::json;

Result<std::string> descriptor_digest(const json& descriptor, const std::string& where) {
  if (!descriptor.is_object() || !descriptor.contains("digest") || !descriptor["digest"].is_string())
    return fail(Error{EINVAL, where + ": no digest"});
  std::string digest = descriptor["digest"].get<std::string>();
  PODCTL_TRY(check_digest(digest, where));
  return digest;
}

int64_t descriptor_size(const json& descriptor) {
  if (!descriptor.is_object()) return 0;
  auto it = descriptor.find("size");
  return it != descriptor.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

Result<std::vector<std::string>> manifest_blobs(const json& manifest) {
  std::vector<std::string> out;
  std::string config;
  PODCTL_ASSIGN_OR_RETURN(config, descriptor_digest(manifest.value("config", json()), "the manifest's config"));
  out.push_back(config);
  const json& layers = manifest.contains("layers") ? manifest["layers"] : json::array();
  if (!layers.is_array()) return fail(Error{EINVAL, "the manifest's layers is not a list"});
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string digest;
    PODCTL_ASSIGN_OR_RETURN(digest, descriptor_digest(layers[i], "the manifest's layers[" + std::to_string(i) + "]"));
    out.push_back(digest);
  }
  return out;
}

Result<std::vector<std::string>> config_diff_ids(const json& config) {
  std::vector<std::string> out;
  const json rootfs = config.is_object() ? config.value("rootfs", json::object()) : json();
  const json ids = rootfs.is_object() ? rootfs.value("diff_ids", json::array()) : json();
  if (!ids.is_array()) return fail(Error{EINVAL, "the image config's rootfs.diff_ids is not a list"});
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string where = "the image config's rootfs.diff_ids[" + std::to_string(i) + "]";
    if (!ids[i].is_string()) return fail(Error{EINVAL, where + " is not a string"});
    PODCTL_TRY(check_digest(ids[i].get<std::string>(), where));
    out.push_back(ids[i].get<std::string>());
  }
  return out;
}

Result<json> config_settings(const json& config) {
  if (!config.is_object()) return fail(Error{EINVAL, "the image config is not a JSON object"});
  auto it = config.find("config");
  if (it == config.end() || it->is_null()) return json::object();
  if (!it->is_object()) return fail(Error{EINVAL, "the image config's config is not an object"});
  // The fields podctl uses, with the types the image spec gives them.
  for (const char* key : {"User", "WorkingDir", "StopSignal"})
    if (it->contains(key) && !(*it)[key].is_string() && !(*it)[key].is_null())
      return fail(Error{EINVAL, std::string("the image config's config.") + key + " is not a string"});
  for (const char* key : {"Env", "Entrypoint", "Cmd"}) {
    if (!it->contains(key) || (*it)[key].is_null()) continue;
    const json& list = (*it)[key];
    if (!list.is_array())
      return fail(Error{EINVAL, std::string("the image config's config.") + key + " is not a list"});
    for (const auto& v : list)
      if (!v.is_string())
        return fail(
            Error{EINVAL, std::string("the image config's config.") + key + " holds something that is not a string"});
  }
  return *it;
}

Result<json> parse_document(const std::string& text, const std::string& what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(Error{EINVAL, what + " is not a JSON object"});
  return doc;
}

}  // namespace podctl
