#include "orchestrator/runtime/image_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <memory>

#include "base/files.h"
#include "orchestrator/runtime/archive_ptr.h"
#include "orchestrator/runtime/blob_store.h"
#include "orchestrator/runtime/image_reference.h"
#include "orchestrator/store/json_file.h"

namespace podctl {
namespace {

using nlohmann::json;

bool is_index(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

// A tar is unpacked into a scratch directory first; the layout is then read from there.
Status extract_tar(const std::string& tar, const std::string& dir) {
  ArchiveReader in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error("open " + tar, in.get()));
  ArchiveWriter out(archive_write_disk_new());
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(in.get(), &e)) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(e);
    if (path.find("..") != std::string::npos) return fail(make_error(tar + ": entry escapes the archive: " + path));
    archive_entry_set_pathname(e, (dir + "/" + path).c_str());
    if (archive_write_header(out.get(), e) < ARCHIVE_WARN) return fail(make_error("extract " + path));
    const void* buf;
    size_t size;
    la_int64_t offset;
    while (archive_read_data_block(in.get(), &buf, &size, &offset) == ARCHIVE_OK)
      archive_write_data_block(out.get(), buf, size, offset);
  }
  if (rc != ARCHIVE_EOF) return fail(archive_error("read " + tar, in.get()));
  return {};
}

class Importer {
 public:
  Importer(ImageStore& store, const std::string& images_dir, const std::string& dir)
      : store_(store), blobs_(images_dir), dir_(dir) {}

  // One image from a layout blob: the manifest (an index is resolved to the host's platform).
  Result<StoredImage> from_oci(const std::string& digest, const std::string& media_type) {
    json doc;
    PODCTL_ASSIGN_OR_RETURN(doc, blob_json(digest));
    if (is_index(media_type.empty() ? doc.value("mediaType", "") : media_type)) {
      for (const auto& m : doc.value("manifests", json::array())) {
        const json& p = m.value("platform", json::object());
        if (p.value("os", "") == "linux" && p.value("architecture", "") == host_architecture())
          return from_oci(m["digest"], m.value("mediaType", ""));
      }
      return fail(make_error("the image index has no manifest for linux/" + host_architecture()));
    }
    StoredImage image;
    image.blobs.push_back(digest);
    std::string config_digest = doc["config"]["digest"];
    json config;
    PODCTL_ASSIGN_OR_RETURN(config, blob_json(config_digest));
    image.id = config_digest;
    image.blobs.push_back(config_digest);
    image.config = config.value("config", json::object());
    auto diff_ids = config["rootfs"].value("diff_ids", std::vector<std::string>{});
    const json& layers = doc["layers"];
    if (diff_ids.size() != layers.size())
      return fail(make_error("the image config lists " + std::to_string(diff_ids.size()) + " layers, the manifest " +
                             std::to_string(layers.size())));
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string blob = layers[i]["digest"];
      PODCTL_TRY(store_blob(blob));
      std::string hex;
      PODCTL_ASSIGN_OR_RETURN(hex, store_.ensure_layer(blobs_.path(blob), diff_ids[i]));
      image.layers.push_back(hex);
      image.blobs.push_back(blob);
      image.size += layers[i].value("size", int64_t{0});
    }
    return image;
  }

  // One image of a docker save archive.
  Result<StoredImage> from_docker(const json& entry) {
    StoredImage image;
    std::string config_file = dir_ + "/" + entry["Config"].get<std::string>();
    PODCTL_ASSIGN_OR_RETURN(image.id, blobs_.put_file(config_file, ""));
    image.blobs.push_back(image.id);
    json config;
    PODCTL_ASSIGN_OR_RETURN(config, read_json_file(config_file));
    image.config = config.value("config", json::object());
    auto diff_ids = config["rootfs"].value("diff_ids", std::vector<std::string>{});
    auto layers = entry.value("Layers", std::vector<std::string>{});
    if (diff_ids.size() != layers.size())
      return fail(make_error("the image config lists " + std::to_string(diff_ids.size()) + " layers, manifest.json " +
                             std::to_string(layers.size())));
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string blob;
      PODCTL_ASSIGN_OR_RETURN(blob, blobs_.put_file(dir_ + "/" + layers[i], ""));
      std::string hex;
      PODCTL_ASSIGN_OR_RETURN(hex, store_.ensure_layer(blobs_.path(blob), diff_ids[i]));
      image.layers.push_back(hex);
      image.blobs.push_back(blob);
      image.size += static_cast<int64_t>(read_file(blobs_.path(blob)).value_or("").size());
    }
    return image;
  }

 private:
  // A layout blob, copied into the store only if its digest is right.
  Status store_blob(const std::string& digest) {
    std::string file = dir_ + "/blobs/" + digest.substr(0, digest.find(':')) + "/" + digest.substr(digest.find(':') + 1);
    if (!path_exists(file)) return fail(make_error("the layout has no blob " + digest));
    auto stored = blobs_.put_file(file, digest);
    if (!stored) return fail(make_error("blob " + digest + ": " + stored.error().message));
    return {};
  }
  Result<json> blob_json(const std::string& digest) {
    PODCTL_TRY(store_blob(digest));
    return read_json_file(blobs_.path(digest));
  }

  ImageStore& store_;
  BlobStore blobs_;
  std::string dir_;
};

// "busybox:1.36" from an OCI ref.name annotation, which skopeo and others write as a bare tag.
std::string annotated_name(const json& manifest) {
  return manifest.value("annotations", json::object()).value("org.opencontainers.image.ref.name", "");
}

Result<std::vector<Image>> import_layout(ImageStore& store, const std::string& images_dir, const std::string& dir,
                                         const std::string& name) {
  Importer importer(store, images_dir, dir);
  std::vector<Image> out;
  if (path_exists(dir + "/oci-layout")) {
    json index;
    PODCTL_ASSIGN_OR_RETURN(index, read_json_file(dir + "/index.json"));
    const json& manifests = index.value("manifests", json::array());
    for (const auto& m : manifests) {
      std::string ref_name = annotated_name(m);
      // With a name given: the manifest it names by tag, or the only one.
      if (!name.empty() && manifests.size() > 1) {
        auto wanted = parse_image_reference(name);
        if (!wanted || (ref_name != wanted->tag && ref_name != name)) continue;
      }
      std::string reference = !name.empty() ? name : ref_name;
      if (reference.empty() || reference.find_first_of(":/") == std::string::npos)
        return fail(make_error("the OCI layout does not name its image fully (\"" + ref_name +
                               "\"): import it with a name, podctl image import NAME[:TAG] " + dir));
      StoredImage stored;
      PODCTL_ASSIGN_OR_RETURN(stored, importer.from_oci(m["digest"], m.value("mediaType", "")));
      Image image;
      PODCTL_ASSIGN_OR_RETURN(image, store.add(reference, stored));
      out.push_back(image);
    }
    if (out.empty()) return fail(make_error("no image named " + name + " in the OCI layout " + dir));
    return out;
  }
  json manifest;
  PODCTL_ASSIGN_OR_RETURN(manifest, read_json_file(dir + "/manifest.json"));
  for (const auto& entry : manifest) {
    StoredImage stored;
    PODCTL_ASSIGN_OR_RETURN(stored, importer.from_docker(entry));
    auto tags = entry.value("RepoTags", std::vector<std::string>{});
    if (!name.empty()) tags = {name};
    if (tags.empty()) return fail(make_error("the archive's image has no tag: import it with a name"));
    for (const auto& tag : tags) {
      Image image;
      PODCTL_ASSIGN_OR_RETURN(image, store.add(tag, stored));
      out.push_back(image);
    }
  }
  return out;
}

bool tar_has(const std::string& tar, const std::vector<std::string>& names) {
  ArchiveReader in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK) return false;
  archive_entry* e = nullptr;
  while (archive_read_next_header(in.get(), &e) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(e);
    while (path.rfind("./", 0) == 0) path = path.substr(2);
    for (const auto& n : names)
      if (path == n) return true;
  }
  return false;
}

}  // namespace

std::string host_architecture() {
  utsname u{};
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  if (m.rfind("armv7", 0) == 0) return "arm";
  return m;
}

bool is_image_archive(const std::string& source) {
  if (is_directory(source)) return path_exists(source + "/oci-layout") || path_exists(source + "/manifest.json");
  return path_exists(source) && tar_has(source, {"oci-layout", "manifest.json"});
}

Result<std::vector<Image>> import_image_archive(ImageStore& store, const std::string& images_dir,
                                                const std::string& source, const std::string& name) {
  if (is_directory(source)) return import_layout(store, images_dir, source, name);
  std::string scratch = images_dir + "/.archive-" + std::to_string(::getpid());
  PODCTL_TRY(remove_tree(scratch));
  PODCTL_TRY(make_dirs(scratch, 0700));
  auto images = [&]() -> Result<std::vector<Image>> {
    PODCTL_TRY(extract_tar(source, scratch));
    return import_layout(store, images_dir, scratch, name);
  }();
  (void)remove_tree(scratch);
  return images;
}

}  // namespace podctl
