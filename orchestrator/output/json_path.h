// podctl - the subset of kubectl's JSONPath that `wait --for=jsonpath=…` needs: a path of field
// names and list indexes, "{.status.phase}" or "{.status.containerStatuses[0].ready}".
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace podctl {

// The value at the path as kubectl prints it (strings bare, others as JSON), or nullopt when
// the path does not exist. An unsupported expression gives nullopt and sets `why`.
std::optional<std::string> json_path_value(const nlohmann::json& object, const std::string& expression,
                                           std::string* why = nullptr);
bool valid_json_path(const std::string& expression, std::string* why);

}  // namespace podctl
