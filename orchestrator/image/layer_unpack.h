// podctl - one image layer (a tar, gzip- or zstd-compressed or not) unpacked into a directory
// that overlayfs can stack: OCI whiteouts become overlay whiteouts (".wh.NAME" → a 0/0 character
// device NAME; ".wh..wh..opq" → the directory's trusted.overlay.opaque=y).
#pragma once

#include <string>

#include "base/error.h"

namespace podctl {

// The layer's diff_id: "sha256:<hex>" of the uncompressed tar.
Result<std::string> layer_diff_id(const std::string& blob);

// Unpacks into `dir` (which must exist and be empty) and returns the diff_id, in one pass: the
// tar reader reads the decompressed stream through a tap that hashes it.
Result<std::string> unpack_layer(const std::string& blob, const std::string& dir);

}  // namespace podctl
