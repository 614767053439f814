#include "orchestrator/runtime/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>

#include "base/files.h"
#include "base/unique_fd.h"

namespace podctl {
namespace {

bool valid_digest(const std::string& d) {
  return d.size() == 71 && d.rfind("sha256:", 0) == 0 && d.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
}

}  // namespace

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
  Sha256 sha;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("read " + path));
    if (n == 0) break;
    sha.update(buf, static_cast<size_t>(n));
  }
  return sha.finish();
}

std::string text_digest(const std::string& text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.finish();
}

std::string BlobStore::path(const std::string& digest) const { return dir_ + "/" + digest.substr(digest.find(':') + 1); }

bool BlobStore::has(const std::string& digest) const { return valid_digest(digest) && path_exists(path(digest)); }

std::string BlobStore::staging(const std::string& name) const {
  (void)make_dirs(dir_, 0700);
  return dir_ + "/.tmp-" + std::to_string(::getpid()) + "-" + name;
}

Result<std::string> BlobStore::put_file(const std::string& source, const std::string& expected) {
  if (!expected.empty() && !valid_digest(expected)) return fail(make_error("unsupported digest \"" + expected + "\""));
  std::string digest;
  PODCTL_ASSIGN_OR_RETURN(digest, file_digest(source));
  if (!expected.empty() && digest != expected)
    return fail(make_error("digest mismatch: expected " + expected + ", got " + digest));
  if (has(digest)) return digest;
  // Copied in the kernel (copy_file_range), then renamed into place.
  std::string tmp = staging(digest.substr(7, 12));
  {
    UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!in || !out) return fail(sys_error("copy " + source));
    for (;;) {
      ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
      if (n < 0) {
        ::unlink(tmp.c_str());
        return fail(sys_error("copy " + source));
      }
      if (n == 0) break;
    }
    if (::fsync(out.get()) != 0) return fail(sys_error("fsync " + tmp));
  }
  if (::rename(tmp.c_str(), path(digest).c_str()) != 0) return fail(sys_error("store blob " + digest));
  return digest;
}

Status BlobStore::adopt(const std::string& staged, const std::string& digest) {
  if (!valid_digest(digest)) return fail(make_error("unsupported digest \"" + digest + "\""));
  if (!has(digest) && ::rename(staged.c_str(), path(digest).c_str()) != 0) return fail(sys_error("store blob " + digest));
  return {};
}

Result<std::string> BlobStore::put_text(const std::string& text) {
  std::string digest = text_digest(text);
  if (has(digest)) return digest;
  PODCTL_TRY(make_dirs(dir_, 0700));
  PODCTL_TRY(write_file_atomic(path(digest), text, 0600));
  return digest;
}

}  // namespace podctl
