#include "manifests/label_selector.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "manifests/names.h"

namespace podctl::manifest {

namespace {

bool requirement_matches(const LabelSelectorRequirement& r, const std::map<std::string, std::string>& labels) {
  auto it = labels.find(r.key);
  bool has = it != labels.end();
  bool listed = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
  if (r.op == "In") return listed;
  if (r.op == "NotIn") return !listed;
  if (r.op == "Exists") return has;
  if (r.op == "DoesNotExist") return !has;
  return false;  // validation refuses other operators
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

}  // namespace

bool selector_matches(const LabelSelector& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& [k, v] : selector.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& r : selector.match_expressions)
    if (!requirement_matches(r, labels)) return false;
  return true;
}

std::string selector_text(const LabelSelector& selector) {
  std::string out;
  auto add = [&](const std::string& term) { out += (out.empty() ? "" : ",") + term; };
  for (const auto& [k, v] : selector.match_labels) add(k + "=" + v);
  for (const auto& r : selector.match_expressions) {
    if (r.op == "In") add(r.key + " in (" + joined(r.values) + ")");
    if (r.op == "NotIn") add(r.key + " notin (" + joined(r.values) + ")");
    if (r.op == "Exists") add(r.key);
    if (r.op == "DoesNotExist") add("!" + r.key);
  }
  return out;
}

namespace {

std::string trimmed(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The terms of a selector: split at the commas that are not inside a value list's parentheses.
std::vector<std::string> terms_of(const std::string& text) {
  std::vector<std::string> out;
  std::string term;
  int depth = 0;
  for (char c : text) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (c == ',' && depth == 0) {
      out.push_back(trimmed(term));
      term.clear();
    } else {
      term += c;
    }
  }
  out.push_back(trimmed(term));
  return out;
}

std::optional<LabelSelectorRequirement> set_term(const std::string& term, std::string* why) {
  auto open = term.find('('), close = term.rfind(')');
  std::string head = trimmed(term.substr(0, open));
  auto space = head.find_last_of(" \t");
  if (close != term.size() - 1 || space == std::string::npos) {
    *why = "unable to parse requirement: \"" + term + "\"";
    return std::nullopt;
  }
  std::string key = trimmed(head.substr(0, space)), op = head.substr(space + 1);
  LabelSelectorRequirement r{key, op == "in" ? "In" : "NotIn", {}};
  std::string values = term.substr(open + 1, close - open - 1), value;
  std::istringstream list(values);
  while (std::getline(list, value, ','))
    if (!trimmed(value).empty()) r.values.push_back(trimmed(value));
  if ((op != "in" && op != "notin") || r.values.empty()) {
    *why = "unable to parse requirement: \"" + term + "\": expected `in (…)` or `notin (…)` with values";
    return std::nullopt;
  }
  return r;
}

std::optional<LabelSelectorRequirement> requirement_of(const std::string& term, std::string* why) {
  if (term.find('(') != std::string::npos) return set_term(term, why);
  if (!term.empty() && term[0] == '!') return LabelSelectorRequirement{trimmed(term.substr(1)), "DoesNotExist", {}};
  for (const char* op : {"!=", "==", "="}) {
    auto at = term.find(op);
    if (at == std::string::npos) continue;
    std::string key = trimmed(term.substr(0, at)), value = trimmed(term.substr(at + std::string(op).size()));
    return LabelSelectorRequirement{key, std::string(op) == "!=" ? "NotIn" : "In", {value}};
  }
  if (term.find_first_of(" \t") != std::string::npos) {
    *why = "unable to parse requirement: \"" + term + "\": expected KEY=VALUE, KEY!=VALUE, KEY in (…), KEY notin (…), "
           "KEY or !KEY";
    return std::nullopt;
  }
  return LabelSelectorRequirement{term, "Exists", {}};
}

}  // namespace

std::optional<LabelSelector> parse_selector(const std::string& text, std::string* why) {
  LabelSelector out;
  if (trimmed(text).empty()) return out;  // matches everything
  for (const auto& term : terms_of(text)) {
    auto r = requirement_of(term, why);
    if (!r) return std::nullopt;
    if (auto bad = check_qualified_name(r->key); !bad.empty()) {
      *why = "invalid label key \"" + r->key + "\": " + bad;
      return std::nullopt;
    }
    for (const auto& v : r->values)
      if (auto bad = check_label_value(v); !bad.empty()) {
        *why = "invalid label value \"" + v + "\": " + bad;
        return std::nullopt;
      }
    out.match_expressions.push_back(std::move(*r));
  }
  return out;
}

}  // namespace podctl::manifest
