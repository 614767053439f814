// podctl - the host's side of `podctl cp`, which moves files as a tar stream through tar in the
// container (as kubectl cp does). What comes out of a container is hostile: only regular files,
// directories and symbolic links are written, beneath the destination (no "..", no absolute
// names, never through a link), without set-id bits, owned by whoever runs podctl.
#pragma once

#include <string>

#include "base/error.h"

namespace podctl {

// Reads a tar from `fd` whose entries are `top` and `top/…`, and writes them as `dest` and
// `dest/…` (dest is the new name of top). Returns the number of entries written.
Result<int> extract_copy(int fd, const std::string& top, const std::string& dest);

// Writes `src` (a file or a directory tree; links are copied as links) to `fd` as a tar whose
// entries are named `top` and `top/…`.
Status archive_copy(const std::string& src, const std::string& top, int fd);

}  // namespace podctl
