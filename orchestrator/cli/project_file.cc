#include "orchestrator/cli/project_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "base/files.h"
#include "manifests/names.h"

namespace podctl {
namespace {

Result<ProjectFile> read_project_file(const std::string& path) {
  PODCTL_ASSIGN_OR_RETURN(auto text, read_file(path));
  auto bad = [&](const std::string& why) { return fail(make_error(path + ": " + why)); };
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return bad(std::string("not YAML: ") + e.what());
  }
  if (!doc.IsMap()) return bad("expected a mapping such as \"namespace: shop\"");
  ProjectFile out{path, ""};
  for (const auto& entry : doc) {
    std::string key = entry.first.as<std::string>("");
    if (key != "namespace") return bad("unknown field \"" + key + "\" (a .podctl file holds only namespace)");
    if (entry.second.IsNull()) continue;  // "namespace:" alone: Required, below
    if (!entry.second.IsScalar()) return bad("namespace: expected a name");
    out.ns = entry.second.as<std::string>();
  }
  if (out.ns.empty()) return bad("namespace: Required value");
  if (auto why = manifest::check_dns1123_label(out.ns); !why.empty()) return bad("namespace: \"" + out.ns + "\": " + why);
  return out;
}

}  // namespace

Result<std::optional<ProjectFile>> find_project_file(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path at = std::filesystem::absolute(dir, ec).lexically_normal();
  if (ec) return std::optional<ProjectFile>{};
  if (!at.has_filename() && at != at.root_path()) at = at.parent_path();  // "/x/blog/" is /x/blog
  for (;;) {
    std::string candidate = (at / ".podctl").string();
    if (path_exists(candidate)) {
      PODCTL_ASSIGN_OR_RETURN(auto found, read_project_file(candidate));
      return std::optional<ProjectFile>(found);
    }
    if (at == at.root_path() || !at.has_parent_path()) return std::optional<ProjectFile>{};
    at = at.parent_path();
  }
}

}  // namespace podctl
