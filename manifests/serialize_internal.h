// podctl - the JSON writers' shared helpers (serialize*.cc): optional fields are left out.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace podctl::manifest::detail {

// `key`: [fn(v) for each v], unless the list is empty.
template <class T, class F>
void put_list(nlohmann::json& j, const char* key, const std::vector<T>& list, F&& fn) {
  if (list.empty()) return;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& v : list) arr.push_back(fn(v));
  j[key] = std::move(arr);
}

inline void put(nlohmann::json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

template <class T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

// A label or node selector requirement: key, operator and values (left out when empty).
template <class Requirement>
nlohmann::json requirement_json(const Requirement& r) {
  nlohmann::json x{{"key", r.key}, {"operator", r.op}};
  if (!r.values.empty()) x["values"] = r.values;
  return x;
}

}  // namespace podctl::manifest::detail
