// podctl - reading a JSON file of the store, with the path in every error.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/error.h"
#include "base/files.h"

namespace podctl {

// JSON text of a value that may hold strings from a container or an image (probe output, hook
// messages, exit messages): invalid UTF-8 becomes U+FFFD, as the kubelet makes it, instead of
// an exception.
inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Result<nlohmann::json> read_json_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return fail(make_error(path + ": not valid JSON"));
  return j;
}

}  // namespace podctl
