// podctl - libarchive handles as owners (freed on every path) and its errors as Error values,
// for the code that reads layers, root filesystems and image archives.
#pragma once

#include <archive.h>

#include <memory>
#include <string>

#include "base/error.h"

namespace podctl {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;

inline Error archive_error(const std::string& what, archive* a) {
  const char* msg = archive_error_string(a);
  return Error{archive_errno(a), what + ": " + (msg ? msg : "unknown archive error")};
}

// Copies the current entry's data blocks from a reader to a writer (sparse holes kept).
inline Status copy_entry_data(archive* in, archive* out, const std::string& name) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  int rc;
  while ((rc = archive_read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK)
    if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN) return fail(archive_error("write " + name, out));
  if (rc < ARCHIVE_WARN) return fail(archive_error("read " + name, in));
  return {};
}

}  // namespace podctl
