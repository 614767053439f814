#include "orchestrator/image/image_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <set>

#include "base/digest.h"
#include "base/files.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

using nlohmann::json;

Result<nlohmann::json> ImageStore::read_index() const {
  if (!path_exists(dir_ + "/index.json")) return json{{"images", json::object()}};
  return read_json_file(dir_ + "/index.json");
}

Status ImageStore::write_index(const nlohmann::json& index) const {
  return write_file_atomic(dir_ + "/index.json", json_text(index, 2) + "\n");
}

Result<Image> ImageStore::find(const std::string& reference) const {
  Image image;
  PODCTL_ASSIGN_OR_RETURN(image, lookup(reference));
  if (image.corrupt)
    return fail(
        Error{EINVAL, "the store's entry for image \"" + reference +
                          "\" names a layer that is not a layer id: remove it (podctl image rm) and pull it again"});
  return image;
}

Result<Image> ImageStore::lookup(const std::string& reference) const {
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  auto& images = index["images"];
  auto it = images.find(ref.full());
  if (it == images.end())
    return fail(Error{ENOENT, "image \"" + ref.familiar() +
                                  "\" is not in the local store (import it with: podctl image import " +
                                  ref.familiar() + " ROOTFS.tar|DIR)"});
  return from_index(ref.full(), *it);
}

Image ImageStore::from_index(const std::string& reference, const json& entry) const {
  Image image{reference,
              entry["id"],
              {},
              entry.value("created", ""),
              entry.value("size", int64_t{0}),
              entry.value("config", json::object()),
              entry.value("blobs", std::vector<std::string>{})};
  // An index entry that does not name layers by their 64 hex digits (a hand edit, or an older
  // podctl) names no directory: the image then has no usable layers rather than someone else's.
  for (const auto& l : entry.value("layers", json::array()))
    if (l.is_string() && is_sha256_hex(l.get<std::string>()))
      image.layers.push_back(layer_dir(l.get<std::string>()));
    else
      image.corrupt = true;
  return image;
}

// The only way into the index: whatever names a layer directory or a blob file is checked here,
// whichever importer or registry it came from.
static Status check_stored(const StoredImage& stored) {
  PODCTL_TRY(check_digest(stored.id, "the image id"));
  for (const auto& hex : stored.layers)
    if (!is_sha256_hex(hex)) return fail(Error{EINVAL, "invalid layer id \"" + hex.substr(0, 80) + "\""});
  for (const auto& blob : stored.blobs) PODCTL_TRY(check_digest(blob, "the image's blobs"));
  return {};
}

Result<Image> ImageStore::add(const std::string& reference, const StoredImage& stored) {
  PODCTL_TRY(check_stored(stored));
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  json entry{{"id", stored.id},          {"layers", stored.layers}, {"blobs", stored.blobs},
             {"created", rfc3339_now()}, {"size", stored.size},     {"config", stored.config}};
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
    for (const auto& l : entry.value("layers", json::array()))
      if (l.is_string()) layers.insert(l.get<std::string>());
    for (const auto& b : entry.value("blobs", json::array()))
      if (b.is_string() && is_sha256_digest(b.get<std::string>())) blobs.insert(digest_hex(b.get<std::string>()));
  }
  int64_t freed = 0;
  auto sweep = [&](const std::string& dir, const std::set<std::string>& keep) -> Status {
    std::vector<std::string> entries;
    PODCTL_ASSIGN_OR_RETURN(entries, list_dir(dir));
    for (const auto& e : entries) {
      // Layers and blobs by their hex name, and the staging leftovers of an interrupted pull or
      // import; anything else in the directory is not ours and stays.
      bool staging = e.rfind(".tmp-", 0) == 0 || e.rfind(".unpack-", 0) == 0 || e.rfind(".import-", 0) == 0;
      if (keep.count(e) || (!is_sha256_hex(e) && !staging)) continue;
      struct stat st {};
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
  PODCTL_ASSIGN_OR_RETURN(image, lookup(reference));
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  index["images"].erase(image.reference);
  std::set<std::string> still_used;
  for (const auto& [name, entry] : index["images"].items())
    for (const auto& l : entry.value("layers", json::array()))
      if (l.is_string()) still_used.insert(l.get<std::string>());
  PODCTL_TRY(write_index(index));
  // from_index kept only layer names of 64 hex digits: each is a directory of ours.
  for (const auto& dir : image.layers) {
    std::string id = dir.substr(dir.rfind('/') + 1);
    if (!still_used.count(id)) PODCTL_TRY(remove_tree(dir));
  }
  return {};
}

}  // namespace podctl
