// podctl - opening paths that someone else may control (an image's layers, a container's root or
// volumes, the store), through file descriptors: openat2 resolves every component inside a root
// or beneath a directory in one step, so a symlink planted anywhere on the way cannot lead out,
// and what was checked is exactly what is used (no re-resolving a string afterwards).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

// `path` resolved as if `root_fd` were "/": absolute symlinks and ".." stay inside
// (RESOLVE_IN_ROOT), and /proc magic links are refused (RESOLVE_NO_MAGICLINKS). O_CLOEXEC is
// always added.
Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, mode_t mode = 0);
// `path` beneath `dir_fd`, following no symlink at all and never leaving through "..": for
// trees only podctl should have written (the store, a layer being unpacked).
Result<UniqueFd> open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode = 0);
// `path` beneath `dir_fd`, following symlinks only while they stay beneath it (an absolute link
// or one that climbs out is EXDEV): a subPath, resolved as the kubelet does but in one step.
Result<UniqueFd> open_within(int dir_fd, std::string_view path, int flags, mode_t mode = 0);
// A directory podctl names itself (never a path from outside), opened without following a final
// symlink.
Result<UniqueFd> open_directory(const std::string& path);
// Every missing directory of `path` made beneath `dir_fd`, one component at a time, each step
// resolved as open_beneath does (no symlink at all); returns the last one, opened
// O_PATH|O_DIRECTORY.
Result<UniqueFd> make_dirs_beneath(int dir_fd, std::string_view path, mode_t mode = 0755);
// The same, each step resolved as open_within does (symlinks only while they stay beneath).
Result<UniqueFd> make_dirs_within(int dir_fd, std::string_view path, mode_t mode = 0755);

// A relative path from outside (a subPath, an archive entry): no absolute path, no "..", no
// empty or "." components doubled up. The reason when it is not one, else "".
std::string check_relative_path(std::string_view path);

}  // namespace podctl
