// podctl - the local image store under ROOT/images: unpacked root filesystems stored once by
// content digest (layers/<hex>/), and an index of references (index.json).
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
  int64_t size = 0;                 // bytes of file content
  nlohmann::json config;            // Entrypoint, Cmd, Env, WorkingDir, User (OCI image config)
};

class ImageStore {
 public:
  explicit ImageStore(std::string dir) : dir_(std::move(dir)) {}

  // Imports a rootfs tarball (any compression libarchive reads) or a directory, as `docker import`.
  Result<Image> import_rootfs(const std::string& reference, const std::string& source);
  Result<Image> find(const std::string& reference) const;
  Result<std::vector<Image>> list() const;
  // Removes the reference, and its layer when no other reference uses it.
  Status remove(const std::string& reference);

 private:
  Result<nlohmann::json> read_index() const;
  Status write_index(const nlohmann::json& index) const;
  std::string layer_dir(const std::string& hex) const { return dir_ + "/layers/" + hex; }
  std::string dir_;
};

}  // namespace podctl
