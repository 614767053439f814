// podctl - content-addressed blobs under ROOT/images/blobs/sha256/<hex>: layers as they were
// distributed (compressed), image configs and manifests. A blob is only ever stored after its
// digest was checked, through a temporary file renamed into place.
#pragma once

#include <string>

#include "base/error.h"

namespace podctl {

// SHA-256 over data fed in pieces (OpenSSL EVP), printed as "sha256:<hex>".
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  std::string finish();

 private:
  struct Ctx;
  Ctx* ctx_;
};

// "sha256:<hex>" of a file's bytes (of an open file's: `shown` names it in errors).
Result<std::string> file_digest(const std::string& path);
Result<std::string> file_digest(int fd, const std::string& shown);
std::string text_digest(const std::string& text);

class BlobStore {
 public:
  explicit BlobStore(std::string images_dir) : dir_(std::move(images_dir) + "/blobs/sha256") {}
  // The file of a blob; an invalid digest is refused before it becomes a path.
  Result<std::string> path(const std::string& digest) const;
  bool has(const std::string& digest) const;
  // Copies an open file (a regular file, checked by the caller) in when its digest is `expected`
  // ("" takes any); returns the digest. A mismatch is an error and nothing is stored.
  Result<std::string> put_fd(int source_fd, const std::string& shown, const std::string& expected);
  Result<std::string> put_text(const std::string& text);
  // Moves a staged file whose digest the caller has checked into place.
  Status adopt(const std::string& staged, const std::string& digest);
  // A temporary file in the store's directory, for a download to land in before put.
  std::string staging(const std::string& name) const;

 private:
  std::string dir_;
};

}  // namespace podctl
