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

}  // namespace podctl
