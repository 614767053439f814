#include "orchestrator/output/json_path.h"

#include <cctype>

namespace podctl {
namespace {

struct Step {
  std::string field;
  int index = -1;  // -1: a field step
};

std::optional<std::vector<Step>> parse(const std::string& expression, std::string* why) {
  auto bad = [&](const char* reason) -> std::optional<std::vector<Step>> {
    if (why) *why = std::string("JSONPath \"") + expression + "\": " + reason;
    return std::nullopt;
  };
  std::string e = expression;
  if (e.size() < 3 || e.front() != '{' || e.back() != '}') return bad("must look like {.status.phase}");
  e = e.substr(1, e.size() - 2);
  std::vector<Step> steps;
  size_t i = 0;
  while (i < e.size()) {
    if (e[i] == '.') {
      size_t j = ++i;
      while (j < e.size() && (std::isalnum(static_cast<unsigned char>(e[j])) || e[j] == '_' || e[j] == '-')) ++j;
      if (j == i) return bad("a field name is missing after '.'");
      steps.push_back({e.substr(i, j - i), -1});
      i = j;
    } else if (e[i] == '[') {
      size_t close = e.find(']', i);
      if (close == std::string::npos) return bad("'[' without ']'");
      std::string digits = e.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        return bad("only numeric indexes such as [0] are supported");
      steps.push_back({"", std::stoi(digits)});
      i = close + 1;
    } else {
      return bad("only .field and [index] steps are supported");
    }
  }
  if (steps.empty()) return bad("empty path");
  return steps;
}

}  // namespace

bool valid_json_path(const std::string& expression, std::string* why) { return parse(expression, why).has_value(); }

std::optional<std::string> json_path_value(const nlohmann::json& object, const std::string& expression,
                                           std::string* why) {
  auto steps = parse(expression, why);
  if (!steps) return std::nullopt;
  const nlohmann::json* at = &object;
  for (const auto& s : *steps) {
    if (s.index >= 0) {
      if (!at->is_array() || static_cast<size_t>(s.index) >= at->size()) return std::nullopt;
      at = &(*at)[static_cast<size_t>(s.index)];
    } else {
      if (!at->is_object() || !at->contains(s.field)) return std::nullopt;
      at = &(*at)[s.field];
    }
  }
  return at->is_string() ? at->get<std::string>() : at->dump();
}

}  // namespace podctl
