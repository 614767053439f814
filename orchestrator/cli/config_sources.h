// podctl - the data of `create configmap|secret`: keys and bytes from --from-literal, --from-file
// and --from-env-file, read and checked as kubectl reads them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

struct ConfigSources {
  std::vector<std::string> literals;   // KEY=VALUE
  std::vector<std::string> files;      // [KEY=]PATH, a file or a directory's regular files
  std::vector<std::string> env_files;  // PATH of KEY=VALUE lines
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// KEY=VALUE lines; blank lines and lines starting with # are skipped, leading blanks dropped; a
// line with a name and no '=' takes the value of that environment variable, or is skipped when it
// is unset. Values are taken as written (no quotes removed). Errors name FILE:LINE.
Result<std::vector<std::pair<std::string, std::string>>> parse_env_file(const std::string& text, const std::string& file,
                                                                        const EnvLookup& lookup);

// Every key with its bytes; a key given twice is refused, as kubectl refuses it.
Result<std::map<std::string, std::string>> read_config_sources(const ConfigSources& sources, const EnvLookup& lookup);

// Text that is valid UTF-8 goes into a ConfigMap's data; anything else into binaryData.
bool valid_utf8(const std::string& bytes);

}  // namespace podctl
