// podctl - a project's namespace, as compose takes a project name from its directory: a `.podctl`
// file in the current directory or the nearest parent holding one, with `namespace: NAME`. It is
// the namespace of every command run under that directory that names none (-n and
// PODCTL_NAMESPACE win), so that two projects' `db` pods never replace each other.
#pragma once

#include <optional>
#include <string>

#include "base/error.h"

namespace podctl {

struct ProjectFile {
  std::string path;  // the .podctl file found
  std::string ns;
};

// The nearest .podctl from `dir` up to /; none when there is none. A file that is not a mapping
// with one valid `namespace` is an error naming the file.
Result<std::optional<ProjectFile>> find_project_file(const std::string& dir);

}  // namespace podctl
