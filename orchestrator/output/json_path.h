// podctl - kubectl's JSONPath templates (get -o jsonpath, custom-columns, --sort-by, wait
// --for=jsonpath): text and {expressions}; .field, ['field'], [n], [-n], [a:b], [*], .*, ..field,
// [?(@.path OP value)] filters (==, !=, <, <=, >, >=, or just @.path: it exists), {"literals"} with
// \n and \t, and {range EXPR}…{end}. The results of one expression are joined by spaces.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace podctl {

// The value at the path as kubectl prints it (strings bare, others as JSON), or nullopt when
// the path does not exist. An unsupported expression gives nullopt and sets `why`.
std::optional<std::string> json_path_value(const nlohmann::json& object, const std::string& expression,
                                           std::string* why = nullptr, const char* separator = " ");
bool valid_json_path(const std::string& expression, std::string* why);

}  // namespace podctl
