#include "orchestrator/container/copy_stream.h"

#include <archive_entry.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "base/files.h"
#include "base/safe_open.h"
#include "base/unique_fd.h"
#include "orchestrator/image/archive_ptr.h"

namespace podctl {
namespace {

using ArchiveEntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

// A regular file's bytes into the tar, in chunks (a copy may be large).
Status write_file_data(archive* out, const std::string& path) {
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) return fail(sys_error("open " + path));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(sys_error("read " + path));
    if (n == 0) return {};
    if (archive_write_data(out, buf, static_cast<size_t>(n)) < 0) return fail(archive_error("write " + path, out));
  }
}

// The entry's path below top ("" for top itself), or none when it is not under top or climbs out.
std::optional<std::string> below_top(std::string name, const std::string& top) {
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  if (name.rfind("./", 0) == 0) name = name.substr(2);
  if (name == top) return std::string();
  if (name.rfind(top + "/", 0) != 0) return std::nullopt;
  std::string rest = name.substr(top.size() + 1);
  if (!check_relative_path(rest).empty()) return std::nullopt;
  return rest;
}

}  // namespace

Result<int> extract_copy(int fd, const std::string& top, const std::string& dest) {
  ArchiveReader in(archive_read_new());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open_fd(in.get(), fd, 1 << 16) != ARCHIVE_OK) return fail(archive_error("read the copy", in.get()));
  ArchiveWriter out(archive_write_disk_new());
  // The names were checked above (relative, below top): the destination itself may be absolute.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  int written = 0;
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(in.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return fail(archive_error("read the copy", in.get()));
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    auto rest = below_top(name, top);
    if (!rest) return fail(make_error("the copy holds \"" + name + "\", which is not under " + top + ": refused"));
    auto type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) || (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK))
      return fail(make_error("the copy holds \"" + name + "\", which is not a file, a directory or a symbolic link: refused"));
    archive_entry_set_pathname(entry, (rest->empty() ? dest : dest + "/" + *rest).c_str());
    // No set-id bits from a container on the host; the files are the copier's, not the container's users'.
    archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
    if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) return fail(archive_error("write " + name, out.get()));
    PODCTL_TRY(copy_entry_data(in.get(), out.get(), name));
    if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN) return fail(archive_error("write " + name, out.get()));
    ++written;
  }
  if (archive_write_close(out.get()) < ARCHIVE_WARN) return fail(archive_error("finish the copy", out.get()));
  return written;
}

Status archive_copy(const std::string& src, const std::string& top, int fd) {
  ArchiveReader disk(archive_read_disk_new());
  archive_read_disk_set_symlink_physical(disk.get());  // links are copied as links, never followed
  archive_read_disk_set_standard_lookup(disk.get());
  if (archive_read_disk_open(disk.get(), src.c_str()) != ARCHIVE_OK) return fail(archive_error("read " + src, disk.get()));
  ArchiveWriter out(archive_write_new());
  archive_write_set_format_pax_restricted(out.get());
  if (archive_write_open_fd(out.get(), fd) != ARCHIVE_OK) return fail(archive_error("write the copy", out.get()));
  for (;;) {
    ArchiveEntryPtr entry(archive_entry_new(), archive_entry_free);
    int rc = archive_read_next_header2(disk.get(), entry.get());
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return fail(archive_error("read " + src, disk.get()));
    archive_read_disk_descend(disk.get());
    std::string path = archive_entry_pathname(entry.get());
    std::string rest = path.size() > src.size() ? path.substr(src.size()) : "";
    archive_entry_set_pathname(entry.get(), (top + rest).c_str());
    if (archive_write_header(out.get(), entry.get()) < ARCHIVE_WARN) return fail(archive_error("write " + path, out.get()));
    if (archive_entry_filetype(entry.get()) != AE_IFREG || archive_entry_size(entry.get()) == 0) continue;
    PODCTL_TRY(write_file_data(out.get(), path));
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) return fail(archive_error("finish the copy", out.get()));
  return {};
}

}  // namespace podctl
