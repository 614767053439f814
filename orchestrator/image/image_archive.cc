#include "orchestrator/image/image_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <memory>

#include <fcntl.h>
#include <sys/stat.h>

#include "base/digest.h"
#include "base/files.h"
#include "base/safe_open.h"
#include "orchestrator/image/archive_ptr.h"
#include "orchestrator/image/blob_store.h"
#include "orchestrator/image/image_document.h"
#include "orchestrator/image/image_reference.h"
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
    // An image archive holds files, directories and links; a device or a FIFO has no place in one.
    auto type = archive_entry_filetype(e);
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
      return fail(make_error(tar + ": " + path + " is not a file, directory or symlink"));
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
  Importer(ImageStore& store, const std::string& images_dir, UniqueFd dir_fd)
      : store_(store), blobs_(images_dir), dir_fd_(std::move(dir_fd)) {}

  // One image from a layout blob: the manifest (an index is resolved to the host's platform).
  Result<StoredImage> from_oci(const std::string& digest, const std::string& media_type) {
    json doc;
    PODCTL_ASSIGN_OR_RETURN(doc, blob_json(digest));
    if (is_index(media_type.empty() ? doc.value("mediaType", json("")).get<std::string>() : media_type)) {
      const json manifests = doc.value("manifests", json::array());
      for (size_t i = 0; manifests.is_array() && i < manifests.size(); ++i) {
        const json& m = manifests[i];
        const json p = m.is_object() ? m.value("platform", json::object()) : json();
        if (!p.is_object() || p.value("os", json()) != "linux" ||
            p.value("architecture", json()) != host_architecture())
          continue;
        std::string next;
        PODCTL_ASSIGN_OR_RETURN(next, descriptor_digest(m, "the image index's manifests[" + std::to_string(i) + "]"));
        const json type = m.value("mediaType", json(""));
        return from_oci(next, type.is_string() ? type.get<std::string>() : "");
      }
      return fail(make_error("the image index has no manifest for linux/" + host_architecture()));
    }
    StoredImage image;
    image.blobs.push_back(digest);
    std::vector<std::string> digests;  // config, then layers, each checked
    PODCTL_ASSIGN_OR_RETURN(digests, manifest_blobs(doc));
    json config;
    PODCTL_ASSIGN_OR_RETURN(config, blob_json(digests[0]));
    image.id = digests[0];
    image.blobs.push_back(digests[0]);
    PODCTL_ASSIGN_OR_RETURN(image.config, config_settings(config));
    std::vector<std::string> diff_ids;
    PODCTL_ASSIGN_OR_RETURN(diff_ids, config_diff_ids(config));
    if (diff_ids.size() + 1 != digests.size())
      return fail(make_error("the image config lists " + std::to_string(diff_ids.size()) + " layers, the manifest " +
                             std::to_string(digests.size() - 1)));
    for (size_t i = 1; i < digests.size(); ++i) {
      std::string blob, hex;
      PODCTL_TRY(store_blob(digests[i]));
      PODCTL_ASSIGN_OR_RETURN(blob, blobs_.path(digests[i]));
      PODCTL_ASSIGN_OR_RETURN(hex, store_.ensure_layer(blob, diff_ids[i - 1]));
      image.layers.push_back(hex);
      image.blobs.push_back(digests[i]);
      image.size += descriptor_size(doc["layers"][i - 1]);
    }
    return image;
  }

  // One image of a docker save archive.
  Result<StoredImage> from_docker(const json& entry) {
    if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string())
      return fail(make_error("manifest.json: an image without a Config file"));
    StoredImage image;
    UniqueFd config_fd;
    PODCTL_ASSIGN_OR_RETURN(config_fd, open_member(entry["Config"].get<std::string>()));
    PODCTL_ASSIGN_OR_RETURN(image.id, blobs_.put_fd(config_fd.get(), entry["Config"].get<std::string>(), ""));
    image.blobs.push_back(image.id);
    std::string text;
    PODCTL_ASSIGN_OR_RETURN(text, read_fd(config_fd.get(), entry["Config"].get<std::string>()));
    json config;
    PODCTL_ASSIGN_OR_RETURN(config, parse_document(text, "the image config " + entry["Config"].get<std::string>()));
    PODCTL_ASSIGN_OR_RETURN(image.config, config_settings(config));
    std::vector<std::string> diff_ids;
    PODCTL_ASSIGN_OR_RETURN(diff_ids, config_diff_ids(config));
    const json layers = entry.value("Layers", json::array());
    if (!layers.is_array()) return fail(make_error("manifest.json: Layers is not a list"));
    if (diff_ids.size() != layers.size())
      return fail(make_error("the image config lists " + std::to_string(diff_ids.size()) + " layers, manifest.json " +
                             std::to_string(layers.size())));
    for (size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].is_string())
        return fail(make_error("manifest.json: Layers[" + std::to_string(i) + "] is not a path"));
      UniqueFd layer_fd;
      PODCTL_ASSIGN_OR_RETURN(layer_fd, open_member(layers[i].get<std::string>()));
      std::string blob, file, hex;
      PODCTL_ASSIGN_OR_RETURN(blob, blobs_.put_fd(layer_fd.get(), layers[i].get<std::string>(), ""));
      PODCTL_ASSIGN_OR_RETURN(file, blobs_.path(blob));
      PODCTL_ASSIGN_OR_RETURN(hex, store_.ensure_layer(file, diff_ids[i]));
      image.layers.push_back(hex);
      image.blobs.push_back(blob);
      struct stat st {};
      if (::fstat(layer_fd.get(), &st) == 0) image.size += st.st_size;
    }
    return image;
  }

 private:
  // A file the archive names: a relative path that stays inside it (symlinks included) and is a
  // regular file, so that neither "../x" nor a link to /dev/zero is read.
  Result<UniqueFd> open_member(const std::string& rel) {
    if (auto why = check_relative_path(rel); !why.empty())
      return fail(Error{EINVAL, "the archive names \"" + rel + "\", which " + why + " inside the archive"});
    auto fd = open_in_root(dir_fd_.get(), rel, O_RDONLY | O_NONBLOCK);
    if (!fd) return fail(fd.error().wrap("the archive's " + rel));
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode))
      return fail(Error{EINVAL, "the archive's " + rel + " is not a regular file"});
    return fd;
  }
  // A layout blob, copied into the store only if its digest is right.
  Status store_blob(const std::string& digest) {
    PODCTL_TRY(check_digest(digest, "the layout's blob"));
    std::string rel = "blobs/sha256/" + digest_hex(digest);
    auto fd = open_member(rel);
    if (!fd) return fail(make_error("the layout has no blob " + digest + " (" + fd.error().message + ")"));
    auto stored = blobs_.put_fd(fd->get(), rel, digest);
    if (!stored) return fail(make_error("blob " + digest + ": " + stored.error().message));
    return {};
  }
  Result<json> blob_json(const std::string& digest) {
    PODCTL_TRY(store_blob(digest));
    std::string file;
    PODCTL_ASSIGN_OR_RETURN(file, blobs_.path(digest));
    return read_json_file(file);
  }

  ImageStore& store_;
  BlobStore blobs_;
  UniqueFd dir_fd_;
};

// "busybox:1.36" from an OCI ref.name annotation, which skopeo and others write as a bare tag.
std::string annotated_name(const json& manifest) {
  const json annotations = manifest.value("annotations", json::object());
  const json name =
      annotations.is_object() ? annotations.value("org.opencontainers.image.ref.name", json("")) : json("");
  return name.is_string() ? name.get<std::string>() : "";
}

Result<std::vector<Image>> import_layout(ImageStore& store, const std::string& images_dir, const std::string& dir,
                                         const std::string& name) {
  UniqueFd dir_fd;
  PODCTL_ASSIGN_OR_RETURN(dir_fd, open_directory(dir));
  Importer importer(store, images_dir, std::move(dir_fd));
  std::vector<Image> out;
  if (path_exists(dir + "/oci-layout")) {
    json index;
    PODCTL_ASSIGN_OR_RETURN(index, read_json_file(dir + "/index.json"));
    const json manifests = index.is_object() ? index.value("manifests", json::array()) : json();
    if (!manifests.is_array()) return fail(make_error(dir + "/index.json: manifests is not a list"));
    for (const auto& m : manifests) {
      if (!m.is_object()) return fail(make_error(dir + "/index.json: a manifest that is not an object"));
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
      std::string digest;
      PODCTL_ASSIGN_OR_RETURN(digest, descriptor_digest(m, dir + "/index.json"));
      const json type = m.value("mediaType", json(""));
      PODCTL_ASSIGN_OR_RETURN(stored, importer.from_oci(digest, type.is_string() ? type.get<std::string>() : ""));
      Image image;
      PODCTL_ASSIGN_OR_RETURN(image, store.add(reference, stored));
      out.push_back(image);
    }
    if (out.empty()) return fail(make_error("no image named " + name + " in the OCI layout " + dir));
    return out;
  }
  json manifest;
  PODCTL_ASSIGN_OR_RETURN(manifest, read_json_file(dir + "/manifest.json"));
  if (!manifest.is_array()) return fail(make_error(dir + "/manifest.json is not a list of images"));
  for (const auto& entry : manifest) {
    StoredImage stored;
    PODCTL_ASSIGN_OR_RETURN(stored, importer.from_docker(entry));
    std::vector<std::string> tags;
    const json repo_tags = entry.value("RepoTags", json::array());
    for (const auto& t : repo_tags.is_array() ? repo_tags : json::array())
      if (t.is_string()) tags.push_back(t.get<std::string>());
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
  (void)remove_tree(scratch);  // scratch under the store's tmp: the import's result is what counts
  return images;
}

}  // namespace podctl
