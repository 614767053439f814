// podctl - the kubelet's AtomicWriter for configMap, secret and downwardAPI volumes: the files
// live in a timestamped directory that a "..data" symlink points at, and each top-level name is
// a symlink through "..data". An update writes a new directory and swaps "..data" with one
// rename, so a running container sees either the old set of files or the new one, never a mix.
#pragma once

#include <map>
#include <string>

#include "base/error.h"

namespace podctl {

struct FileToWrite {
  std::string content;
  unsigned mode = 0644;
};

// path (relative, may contain '/') → file. Returns whether anything changed.
// group >= 0: files and directories belong to that group (fsGroup).
Result<bool> write_volume_atomically(const std::string& dir, const std::map<std::string, FileToWrite>& files,
                                     long long group = -1);

}  // namespace podctl
