// ImageStore's importing half (libarchive, OpenSSL): a root filesystem as one layer, and a
// layer blob unpacked into the store. Kept apart from the index so that the supervisor, which
// only looks images up, links neither.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "base/digest.h"
#include "base/files.h"
#include "orchestrator/image/archive_ptr.h"
#include "orchestrator/image/blob_store.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/image/layer_unpack.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {
namespace {

using nlohmann::json;

// Feeds a canonical form of each entry into the digest, so that the same tree gives the same
// id whether it came as a tar, a compressed tar or a directory.
void digest_entry(Sha256& sha, archive_entry* e, const std::string& path) {
  char head[512];
  const char* link = archive_entry_symlink(e);
  const char* hard = archive_entry_hardlink(e);
  int n = std::snprintf(head, sizeof head, "%o %lld %lld %lld|%s|%s\n", archive_entry_mode(e),
                        static_cast<long long>(archive_entry_uid(e)), static_cast<long long>(archive_entry_gid(e)),
                        static_cast<long long>(archive_entry_size(e)), link ? link : "", hard ? hard : "");
  sha.update(path.data(), path.size());
  sha.update(head, static_cast<size_t>(n));
}

// Normalizes "./a/b", "/a/b", "a/b" (and a directory source's prefix) to "a/b"; "" is the root.
std::string relative_entry_path(std::string p, const std::string& strip) {
  if (!strip.empty() && p.rfind(strip, 0) == 0) p = p.substr(strip.size());
  while (p.rfind("./", 0) == 0) p = p.substr(2);
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p == ".") p.clear();
  return p;
}

Result<ArchiveReader> open_source(const std::string& source, bool& is_dir) {
  is_dir = is_directory(source);
  if (is_dir) {
    ArchiveReader a(archive_read_disk_new());
    archive_read_disk_set_standard_lookup(a.get());
    archive_read_disk_set_symlink_physical(a.get());
    if (archive_read_disk_open(a.get(), source.c_str()) != ARCHIVE_OK)
      return fail(archive_error("read directory " + source, a.get()));
    return a;
  }
  ArchiveReader a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  if (archive_read_open_filename(a.get(), source.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error("open " + source, a.get()));
  return a;
}

}  // namespace

Result<Image> ImageStore::import_rootfs(const std::string& reference, const std::string& source) {
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  if (!ref.digest.empty()) return fail(make_error("import needs a name and tag, not a digest: " + reference));
  if (!path_exists(source)) return fail(make_error(source + ": no such file or directory"));
  PODCTL_TRY(make_dirs(dir_ + "/layers", 0700));
  std::string tmp = dir_ + "/layers/.import-" + std::to_string(::getpid());
  PODCTL_TRY(remove_tree(tmp));
  PODCTL_TRY(make_dirs(tmp, 0755));
  // Best effort on a path that already failed; the next import of this process removes it first.
  auto cleanup_tmp = [&] { (void)remove_tree(tmp); };

  bool is_dir = false;
  ArchiveReader in;
  if (auto r = open_source(source, is_dir); !r) {
    cleanup_tmp();
    return fail(r.error());
  } else {
    in = std::move(*r);
  }
  ArchiveWriter out(archive_write_disk_new());
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_UNLINK);
  Sha256 digest;
  int64_t total = 0;
  size_t entries = 0;
  std::string strip = is_dir ? source : "";
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      auto e = archive_error("read " + source, in.get());
      cleanup_tmp();
      return fail(e);
    }
    if (is_dir) archive_read_disk_descend(in.get());
    std::string rel = relative_entry_path(archive_entry_pathname(entry), strip);
    if (rel.empty()) continue;
    digest_entry(digest, entry, rel);
    archive_entry_set_pathname(entry, (tmp + "/" + rel).c_str());
    if (const char* hard = archive_entry_hardlink(entry))
      archive_entry_set_hardlink(entry, (tmp + "/" + relative_entry_path(hard, strip)).c_str());
    if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) {
      auto e = archive_error("unpack " + rel, out.get());
      cleanup_tmp();
      return fail(e);
    }
    const void* buf;
    size_t size;
    la_int64_t offset;
    while ((rc = archive_read_data_block(in.get(), &buf, &size, &offset)) == ARCHIVE_OK) {
      digest.update(buf, size);
      total += static_cast<int64_t>(size);
      if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN) {
        auto e = archive_error("write " + rel, out.get());
        cleanup_tmp();
        return fail(e);
      }
    }
    if (rc < ARCHIVE_WARN) {
      auto e = archive_error("read " + rel, in.get());
      cleanup_tmp();
      return fail(e);
    }
    archive_write_finish_entry(out.get());
    ++entries;
  }
  archive_write_close(out.get());
  if (entries == 0) {
    cleanup_tmp();
    return fail(make_error(source + ": no files found (is it a tar archive or a directory?)"));
  }
  std::string id = digest.finish().substr(7);
  if (path_exists(layer_dir(id))) {
    cleanup_tmp();  // the same content is already stored
  } else if (::rename(tmp.c_str(), layer_dir(id).c_str()) != 0) {
    auto e = sys_error("store layer " + id);
    cleanup_tmp();
    return fail(e);
  }
  json index;
  PODCTL_ASSIGN_OR_RETURN(index, read_index());
  Image image{ref.full(), "sha256:" + id, {layer_dir(id)}, rfc3339_now(), total, json::object(), {}};
  index["images"][image.reference] = {{"id", image.id},
                                      {"layers", json::array({id})},
                                      {"created", image.created},
                                      {"size", total},
                                      {"config", image.config}};
  PODCTL_TRY(write_index(index));
  return image;
}

Result<std::string> ImageStore::ensure_layer(const std::string& blob, const std::string& expected_diff_id) {
  if (!expected_diff_id.empty()) PODCTL_TRY(check_digest(expected_diff_id, "the image config's rootfs.diff_ids"));
  // A layer already stored was checked when it was: with the config's diff_id known, nothing to do.
  if (!expected_diff_id.empty() && path_exists(layer_dir(digest_hex(expected_diff_id))))
    return digest_hex(expected_diff_id);
  PODCTL_TRY(make_dirs(dir_ + "/layers", 0700));
  std::string tmp = dir_ + "/layers/.unpack-" + std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr));
  PODCTL_TRY(remove_tree(tmp));
  PODCTL_TRY(make_dirs(tmp, 0755));
  auto diff_id = unpack_layer(blob, tmp);
  if (diff_id && !expected_diff_id.empty() && *diff_id != expected_diff_id)
    diff_id = fail(
        make_error("layer diff_id mismatch: the image config says " + expected_diff_id + ", the layer is " + *diff_id));
  if (!diff_id) {
    (void)remove_tree(tmp);  // as cleanup_tmp: the import's own error is the one reported
    return fail(diff_id.error());
  }
  std::string hex = diff_id->substr(7);
  // Renamed into place whole: a layer directory is complete or absent, never half-written.
  // The layer is there either way (ours or a concurrent import's); a leftover tmp is removed by the next import.
  if (path_exists(layer_dir(hex)) || ::rename(tmp.c_str(), layer_dir(hex).c_str()) != 0) (void)remove_tree(tmp);
  if (!path_exists(layer_dir(hex))) return fail(sys_error("store layer " + hex));
  return hex;
}

}  // namespace podctl
