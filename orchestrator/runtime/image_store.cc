#include "orchestrator/runtime/image_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <set>

#include "base/files.h"
#include "orchestrator/runtime/image_reference.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

using nlohmann::json;

Result<nlohmann::json> ImageStore::read_index() const {
  if (!path_exists(dir_ + "/index.json")) return json{{"images", json::object()}};
  return read_json_file(dir_ + "/index.json");
}

Status ImageStore::write_index(const nlohmann::json& index) const {
  return write_file_atomic(dir_ + "/index.json", index.dump(2) + "\n");
}


Result<Image> ImageStore::find(const std::string& reference) const {
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  auto& images = index["images"];
  auto it = images.find(ref.full());
  if (it == images.end())
    return fail(Error{ENOENT, "image \"" + ref.familiar() + "\" is not in the local store (import it with: podctl image import " +
                                  ref.familiar() + " ROOTFS.tar|DIR)"});
  return from_index(ref.full(), *it);
}

Image ImageStore::from_index(const std::string& reference, const json& entry) const {
  Image image{reference, entry["id"], {}, entry.value("created", ""), entry.value("size", int64_t{0}),
              entry.value("config", json::object()), entry.value("blobs", std::vector<std::string>{})};
  for (const auto& l : entry["layers"]) image.layers.push_back(layer_dir(l.get<std::string>()));
  return image;
}

Result<Image> ImageStore::add(const std::string& reference, const StoredImage& stored) {
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  json entry{{"id", stored.id}, {"layers", stored.layers}, {"blobs", stored.blobs}, {"created", rfc3339_now()},
             {"size", stored.size}, {"config", stored.config}};
  index["images"][ref.full()] = entry;
  PODCTL_TRY(write_index(index));
  return from_index(ref.full(), entry);
}

Status ImageStore::tag(const std::string& source, const std::string& target) {
  Image image;
  PODCTL_ASSIGN_OR_RETURN(image, find(source));
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(target));
  if (!ref.digest.empty()) return fail(make_error("a tag cannot be a digest: " + target));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  index["images"][ref.full()] = index["images"][image.reference];
  return write_index(index);
}


Result<int64_t> ImageStore::prune_unreferenced() {
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  std::set<std::string> layers, blobs;
  for (const auto& [name, entry] : index["images"].items()) {
    for (const auto& l : entry["layers"]) layers.insert(l.get<std::string>());
    for (const auto& b : entry.value("blobs", json::array())) blobs.insert(b.get<std::string>().substr(7));
  }
  int64_t freed = 0;
  auto sweep = [&](const std::string& dir, const std::set<std::string>& keep) -> Status {
    std::vector<std::string> entries;
    PODCTL_ASSIGN_OR_RETURN(entries, list_dir(dir));
    for (const auto& e : entries) {
      if (keep.count(e)) continue;
      struct stat st{};
      if (::stat((dir + "/" + e).c_str(), &st) == 0 && S_ISREG(st.st_mode)) freed += st.st_size;
      PODCTL_TRY(remove_tree(dir + "/" + e));
    }
    return {};
  };
  PODCTL_TRY(sweep(dir_ + "/layers", layers));
  PODCTL_TRY(sweep(dir_ + "/blobs/sha256", blobs));
  return freed;
}

Result<std::vector<Image>> ImageStore::list() const {
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  std::vector<Image> out;
  for (auto it = index["images"].begin(); it != index["images"].end(); ++it) {
    out.push_back(from_index(it.key(), *it));
  }
  return out;
}

Status ImageStore::remove(const std::string& reference) {
  Image image;
  PODCTL_ASSIGN_OR_RETURN(image, find(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  index["images"].erase(image.reference);
  std::set<std::string> still_used;
  for (const auto& [name, entry] : index["images"].items())
    for (const auto& l : entry["layers"]) still_used.insert(l.get<std::string>());
  PODCTL_TRY(write_index(index));
  for (const auto& dir : image.layers) {
    std::string id = dir.substr(dir.rfind('/') + 1);
    if (!still_used.count(id)) PODCTL_TRY(remove_tree(dir));
  }
  return {};
}

}  // namespace podctl
