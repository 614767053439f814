// podctl - the local image store under ROOT/images: blobs by digest (blobs/sha256/), layers
// unpacked once each (layers/<diff-id hex>/, shared by every image that has them, stacked by
// overlayfs with nothing copied), and an index of references (index.json).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

struct Image {
  std::string reference;            // full form: docker.io/library/busybox:1.35
  std::string id;                   // sha256:<hex>
  std::vector<std::string> layers;  // unpacked layer directories, lowest first
  std::string created;
  int64_t size = 0;                // bytes of file content
  nlohmann::json config;           // Entrypoint, Cmd, Env, WorkingDir, User (OCI image config)
  std::vector<std::string> blobs;  // digests of the blobs it needs (manifest, config, layers)
  bool corrupt = false;            // the index named a layer that is not a layer id
};

// What an importer or a pull has stored, to be named in the index.
struct StoredImage {
  std::string id;                   // the config's digest (docker's image ID)
  std::vector<std::string> layers;  // layer hexes, lowest first
  std::vector<std::string> blobs;
  int64_t size = 0;
  nlohmann::json config;
};

class ImageStore {
 public:
  explicit ImageStore(std::string dir) : dir_(std::move(dir)) {}

  // Imports a rootfs tarball (any compression libarchive reads) or a directory, as `docker import`.
  Result<Image> import_rootfs(const std::string& reference, const std::string& source);
  Result<Image> find(const std::string& reference) const;
  // find() without refusing a corrupt entry (its bad layer names left out), so that `image rm`
  // can still remove one.
  Result<Image> lookup(const std::string& reference) const;
  // Names a stored image (replacing what the reference named before).
  Result<Image> add(const std::string& reference, const StoredImage& image);
  Status tag(const std::string& source, const std::string& target);
  // The layer of a blob, unpacked if it is not yet (its diff_id checked against `expected`
  // when given). Returns the layer's hex.
  Result<std::string> ensure_layer(const std::string& blob, const std::string& expected_diff_id);
  // Removes layers and blobs that no image references; returns what it freed (bytes).
  Result<int64_t> prune_unreferenced();
  Result<std::vector<Image>> list() const;
  // Removes the reference, and its layer when no other reference uses it.
  Status remove(const std::string& reference);

 private:
  Result<nlohmann::json> read_index() const;
  Status write_index(const nlohmann::json& index) const;
  std::string layer_dir(const std::string& hex) const { return dir_ + "/layers/" + hex; }
  Image from_index(const std::string& reference, const nlohmann::json& entry) const;
  std::string dir_;
};

}  // namespace podctl
