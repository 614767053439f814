// podctl - OCI content digests (image-spec descriptor.md: algorithm ":" encoded). Every digest
// and diff_id from an image, an archive or a registry is checked here before it names a file,
// a directory or a URL: a digest is a path component, and "sha256:../../.." must never be one.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace podctl {

// "sha256:" and 64 lowercase hex digits: the one algorithm podctl stores by (as containerd
// defaults to). Anything else is refused, with the reason.
bool is_sha256_digest(std::string_view digest);
// An error naming the value and where it came from ("the image config's diff_ids[2]").
Status check_digest(std::string_view digest, std::string_view where);
// The 64 hex digits of a checked digest: the file or directory name it is stored under.
std::string digest_hex(std::string_view checked_digest);
// A layer directory's name: exactly 64 lowercase hex digits.
bool is_sha256_hex(std::string_view hex);

}  // namespace podctl
