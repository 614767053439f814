#include "orchestrator/image/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>

#include "base/digest.h"
#include "base/files.h"
#include "base/unique_fd.h"

namespace podctl {
struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
};

Sha256::Sha256() : ctx_(new Ctx) { EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr); }
Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_->md);
  delete ctx_;
}
void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(ctx_->md, data, size); }

std::string Sha256::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx_->md, md, &len);
  std::string hex = "sha256:";
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

Result<std::string> file_digest(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(sys_error("open " + path));
  return file_digest(fd.get(), path);
}

Result<std::string> file_digest(int fd, const std::string& path) {
  Sha256 sha;
  char buf[1 << 16];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("read " + path));
    if (n == 0) break;
    at += n;
    sha.update(buf, static_cast<size_t>(n));
  }
  return sha.finish();
}

std::string text_digest(const std::string& text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.finish();
}

Result<std::string> BlobStore::path(const std::string& digest) const {
  PODCTL_TRY(check_digest(digest, "blob"));
  return dir_ + "/" + digest_hex(digest);
}

bool BlobStore::has(const std::string& digest) const {
  auto file = path(digest);
  return file && path_exists(*file);
}

std::string BlobStore::staging(const std::string& name) const {
  (void)make_dirs(dir_, 0700);  // a failure shows at once, as the failure to create the staging file
  return dir_ + "/.tmp-" + std::to_string(::getpid()) + "-" + name;
}

Result<std::string> BlobStore::put_fd(int source_fd, const std::string& shown, const std::string& expected) {
  if (!expected.empty()) PODCTL_TRY(check_digest(expected, shown));
  std::string digest;
  PODCTL_ASSIGN_OR_RETURN(digest, file_digest(source_fd, shown));
  if (!expected.empty() && digest != expected)
    return fail(make_error("digest mismatch: expected " + expected + ", got " + digest));
  if (has(digest)) return digest;
  // Copied in the kernel (copy_file_range), then renamed into place.
  std::string tmp = staging(digest.substr(7, 12));
  {
    UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out) return fail(sys_error("copy " + shown));
    loff_t from = 0;
    for (;;) {
      ssize_t n = ::copy_file_range(source_fd, &from, out.get(), nullptr, 1 << 30, 0);
      if (n < 0) {
        Error e = sys_error("copy " + shown);
        (void)::unlink(tmp.c_str());  // the half copy; the copy's error is the one to report
        return fail(e);
      }
      if (n == 0) break;
    }
    if (::fsync(out.get()) != 0) return fail(sys_error("fsync " + tmp));
  }
  std::string file;
  PODCTL_ASSIGN_OR_RETURN(file, path(digest));
  if (::rename(tmp.c_str(), file.c_str()) != 0) return fail(sys_error("store blob " + digest));
  return digest;
}

Status BlobStore::adopt(const std::string& staged, const std::string& digest) {
  std::string file;
  PODCTL_ASSIGN_OR_RETURN(file, path(digest));
  if (!path_exists(file) && ::rename(staged.c_str(), file.c_str()) != 0) return fail(sys_error("store blob " + digest));
  return {};
}

Result<std::string> BlobStore::put_text(const std::string& text) {
  std::string digest = text_digest(text);
  if (has(digest)) return digest;
  PODCTL_TRY(make_dirs(dir_, 0700));
  std::string file;
  PODCTL_ASSIGN_OR_RETURN(file, path(digest));
  PODCTL_TRY(write_file_atomic(file, text, 0600));
  return digest;
}

}  // namespace podctl
