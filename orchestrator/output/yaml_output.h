// podctl - JSON values printed as YAML the way kubectl -o yaml prints them (keys sorted, strings
// that would read back as another type quoted).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace podctl {

std::string to_yaml(const nlohmann::json& value);

}  // namespace podctl
