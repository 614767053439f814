#include "orchestrator/image/layer_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <memory>

#include "base/safe_open.h"
#include "orchestrator/image/archive_ptr.h"
#include "orchestrator/image/blob_store.h"

namespace podctl {
namespace {

constexpr const char* kWhiteout = ".wh.";
constexpr const char* kOpaque = ".wh..wh..opq";

std::string clean(std::string p) {
  while (p.rfind("./", 0) == 0) p = p.substr(2);
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

// The directory a whiteout lives in, opened beneath the layer directory without following any
// symlink (the layer may have made `evil -> /srv/outside` an entry earlier), made if missing.
Result<UniqueFd> whiteout_parent(int layer_fd, const std::string& parent, const std::string& rel) {
  if (parent.empty()) return open_beneath(layer_fd, ".", O_RDONLY | O_DIRECTORY);
  if (auto made = make_dirs_beneath(layer_fd, parent); !made)
    return fail(Error{made.error().code, "layer entry " + rel + ": its directory is a symlink or leaves the layer (" +
                                             made.error().message + ")"});
  // A real fd, not O_PATH: fsetxattr needs one.
  return open_beneath(layer_fd, parent, O_RDONLY | O_DIRECTORY);
}

// A whiteout entry: handled here (never unpacked as a file). Returns whether it was one. Every
// step goes through a directory fd beneath the layer: libarchive's secure flags do not cover it.
Result<bool> apply_whiteout(int layer_fd, const std::string& rel) {
  auto slash = rel.rfind('/');
  std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
  std::string base = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (base.rfind(kWhiteout, 0) != 0) return false;
  if (!check_relative_path(rel).empty()) return fail(make_error("layer entry escapes its root: " + rel));
  UniqueFd dir;
  PODCTL_ASSIGN_OR_RETURN(dir, whiteout_parent(layer_fd, parent, rel));
  if (base == kOpaque) {
    if (::fsetxattr(dir.get(), "trusted.overlay.opaque", "y", 1, 0) != 0)
      return fail(sys_error("mark " + parent + " opaque"));
    return true;
  }
  std::string name = base.substr(4);
  if (name.empty() || name == "." || name == "..") return fail(make_error("invalid whiteout " + rel));
  if (::mknodat(dir.get(), name.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0 && errno != EEXIST)
    return fail(sys_error("whiteout " + rel));
  return true;
}

// The blob's bytes after decompression (any filter libarchive knows: gzip, zstd, none).
Result<ArchiveReader> open_decompressed(const std::string& blob) {
  ArchiveReader in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_raw(in.get());
  if (archive_read_open_filename(in.get(), blob.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error("open layer " + blob, in.get()));
  archive_entry* entry = nullptr;
  if (archive_read_next_header(in.get(), &entry) != ARCHIVE_OK)
    return fail(archive_error("read layer " + blob, in.get()));
  return in;
}

}  // namespace

Result<std::string> layer_diff_id(const std::string& blob) {
  ArchiveReader in;
  PODCTL_ASSIGN_OR_RETURN(in, open_decompressed(blob));
  Sha256 sha;
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(in.get(), buf, sizeof buf);
    if (n < 0) return fail(archive_error("decompress layer " + blob, in.get()));
    if (n == 0) break;
    sha.update(buf, static_cast<size_t>(n));
  }
  return sha.finish();
}

namespace {

// The decompressed stream of the outer reader, hashed on its way to the tar reader.
struct Tap {
  archive* outer = nullptr;
  Sha256 sha;
  char buf[1 << 16];
};

la_ssize_t tap_read(archive*, void* data, const void** out) {
  auto* tap = static_cast<Tap*>(data);
  la_ssize_t n = archive_read_data(tap->outer, tap->buf, sizeof tap->buf);
  if (n > 0) tap->sha.update(tap->buf, static_cast<size_t>(n));
  *out = tap->buf;
  return n;
}

}  // namespace

Result<std::string> unpack_layer(const std::string& blob, const std::string& dir) {
  ArchiveReader outer;
  PODCTL_ASSIGN_OR_RETURN(outer, open_decompressed(blob));
  auto tap = std::make_unique<Tap>();
  tap->outer = outer.get();
  ArchiveReader in(archive_read_new());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open(in.get(), tap.get(), nullptr, tap_read, nullptr) != ARCHIVE_OK)
    return fail(archive_error("read layer " + blob, in.get()));
  ArchiveWriter out(archive_write_disk_new());
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_UNLINK);
  UniqueFd layer_fd;
  PODCTL_ASSIGN_OR_RETURN(layer_fd, open_directory(dir));
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return fail(archive_error("read layer " + blob, in.get()));
    std::string rel = clean(archive_entry_pathname(entry));
    if (rel.empty()) continue;
    if (!check_relative_path(rel).empty()) return fail(make_error("layer entry escapes its root: " + rel));
    bool whiteout;
    PODCTL_ASSIGN_OR_RETURN(whiteout, apply_whiteout(layer_fd.get(), rel));
    if (whiteout) continue;
    archive_entry_set_pathname(entry, (dir + "/" + rel).c_str());
    if (const char* hard = archive_entry_hardlink(entry)) {
      if (!check_relative_path(clean(hard)).empty())
        return fail(make_error("layer hard link escapes its root: " + rel));
      archive_entry_set_hardlink(entry, (dir + "/" + clean(hard)).c_str());
    }
    if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) return fail(archive_error("unpack " + rel, out.get()));
    PODCTL_TRY(copy_entry_data(in.get(), out.get(), rel));
    archive_write_finish_entry(out.get());
  }
  if (archive_write_close(out.get()) < ARCHIVE_WARN) return fail(archive_error("finish layer", out.get()));
  // The tar's end-of-archive padding is part of the diff_id too.
  const void* ignored = nullptr;
  while (tap_read(nullptr, tap.get(), &ignored) > 0) {
  }
  return tap->sha.finish();
}

}  // namespace podctl
