// podctl - whole-file reads and crash-safe writes (write temp, fsync, rename, fsync dir).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

Result<std::string> read_file(const std::string& path);
// The rest of an open file; `shown` names it in errors.
Result<std::string> read_fd(int fd, const std::string& shown);
// A reader sees either the old or the new content, never a torn file. `durable`: fsync the file
// and its directory, so that the new content survives a crash of the machine (state that does
// not outlive the processes it describes can skip that).
Status write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0644,
                         bool durable = true);
// State that describes processes and kernel objects, which a reboot ends anyway (a pod's record,
// spec and status, a controller's status, port and address notes): atomic for readers as above,
// but not fsynced. An fsync costs a disk flush per write and buys nothing: after a crash of the
// machine the pods are gone, and `apply` heals what their files still name.
Status write_runtime_file(const std::string& path, const std::string& content, unsigned mode = 0644);
// One write(2) to an existing file: a kernel setting in /proc/sys, sysfs or cgroupfs, which can
// be neither replaced nor written in pieces.
Status write_setting(const std::string& path, const std::string& value);
Status make_dirs(const std::string& path, unsigned mode = 0755);
// Removes a tree; a missing path is not an error. Does not cross into mounted file systems.
Status remove_tree(const std::string& path);
// The same for the entry `name` of an open directory: nothing on the way is resolved by string,
// and no symlink is followed (a link is removed, never its target).
Status remove_tree_at(int dir_fd, const std::string& name);
bool path_exists(const std::string& path);
bool is_directory(const std::string& path);
// Entries of a directory (no "." or ".."), sorted; a missing directory gives an empty list.
Result<std::vector<std::string>> list_dir(const std::string& path);

}  // namespace podctl
