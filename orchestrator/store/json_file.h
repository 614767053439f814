// podctl - reading a JSON file of the store, with the path in every error.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "base/error.h"
#include "base/files.h"

namespace podctl {

inline Result<nlohmann::json> read_json_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return fail(make_error(path + ": not valid JSON"));
  return j;
}

}  // namespace podctl
