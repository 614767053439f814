#include "orchestrator/cli/config_sources.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "base/files.h"
#include "base/unique_fd.h"
#include "manifests/names.h"

namespace podctl {
namespace {

// The API server's limit for a whole ConfigMap or Secret; a bigger file is refused before it is read.
constexpr off_t kMaxBytes = 1024 * 1024;

Status add(std::map<std::string, std::string>& data, const std::string& key, std::string value) {
  if (!data.emplace(key, std::move(value)).second)
    return fail(make_error("cannot add key \"" + key + "\", another key by that name already exists"));
  return {};
}

// O_NONBLOCK: a FIFO given by mistake is refused instead of waited on.
Result<std::string> read_regular_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail(sys_error("open " + path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(sys_error("stat " + path));
  if (!S_ISREG(st.st_mode)) return fail(make_error(path + ": not a regular file"));
  if (st.st_size > kMaxBytes) return fail(make_error(path + ": too long: must have at most 1048576 bytes"));
  return read_fd(fd.get(), path);
}

bool is_directory_path(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A directory gives one key per regular file whose name is a valid key (others are skipped, as by kubectl).
Status add_directory(std::map<std::string, std::string>& data, const std::string& dir) {
  PODCTL_ASSIGN_OR_RETURN(auto names, list_dir(dir));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !manifest::check_config_key(name).empty()) continue;
    PODCTL_ASSIGN_OR_RETURN(auto bytes, read_regular_file(path));
    PODCTL_TRY(add(data, name, std::move(bytes)));
  }
  return {};
}

Status add_file_source(std::map<std::string, std::string>& data, const std::string& source) {
  auto eq = source.find('=');
  std::string key = eq == std::string::npos ? "" : source.substr(0, eq);
  std::string path = eq == std::string::npos ? source : source.substr(eq + 1);
  if (eq != std::string::npos && (key.empty() || path.empty()))
    return fail(make_error("--from-file=" + source + ": key names or file paths cannot be empty"));
  if (key.empty() && is_directory_path(path)) return add_directory(data, path);
  if (key.empty()) key = path.substr(path.rfind('/') + 1);
  if (auto why = manifest::check_config_key(key); !why.empty())
    return fail(make_error("--from-file=" + source + ": \"" + key + "\" is not a valid key name: " + why));
  PODCTL_ASSIGN_OR_RETURN(auto bytes, read_regular_file(path));
  return add(data, key, std::move(bytes));
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_env_file(const std::string& text, const std::string& file,
                                                                        const EnvLookup& lookup) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  for (int line_no = 1; start < text.size(); ++line_no) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    if (!line.empty() && line.back() == '\r') line.pop_back();
    line.erase(0, line.find_first_not_of(" \t"));
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    std::string key = line.substr(0, eq);
    if (auto why = manifest::check_env_var_name(key); !why.empty())
      return fail(make_error(file + ":" + std::to_string(line_no) + ": \"" + key + "\" is not a valid key name: " + why));
    if (eq != std::string::npos) {
      out.emplace_back(key, line.substr(eq + 1));
    } else if (auto value = lookup(key)) {
      out.emplace_back(key, *value);
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> read_config_sources(const ConfigSources& sources, const EnvLookup& lookup) {
  if (!sources.env_files.empty() && (!sources.literals.empty() || !sources.files.empty()))
    return fail(make_error("from-env-file cannot be combined with from-file or from-literal"));
  std::map<std::string, std::string> data;
  for (const auto& literal : sources.literals) {
    auto eq = literal.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(make_error("--from-literal=" + literal + ": expected KEY=VALUE"));
    std::string key = literal.substr(0, eq);
    if (auto why = manifest::check_config_key(key); !why.empty())
      return fail(make_error("--from-literal=" + literal + ": \"" + key + "\" is not a valid key name: " + why));
    PODCTL_TRY(add(data, key, literal.substr(eq + 1)));
  }
  for (const auto& source : sources.files) PODCTL_TRY(add_file_source(data, source));
  for (const auto& path : sources.env_files) {
    PODCTL_ASSIGN_OR_RETURN(auto text, read_regular_file(path));
    PODCTL_ASSIGN_OR_RETURN(auto entries, parse_env_file(text, path, lookup));
    for (auto& [key, value] : entries) PODCTL_TRY(add(data, key, std::move(value)));
  }
  return data;
}

bool valid_utf8(const std::string& bytes) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    auto c = static_cast<unsigned char>(bytes[i]);
    size_t extra = 0;
    if (c >= 0x80) {
      if ((c & 0xE0) == 0xC0)
        extra = 1;
      else if ((c & 0xF0) == 0xE0)
        extra = 2;
      else if ((c & 0xF8) == 0xF0)
        extra = 3;
      else
        return false;
    }
    if (extra > n - i - 1) return false;
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < kMin[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace podctl
