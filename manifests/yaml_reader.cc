#include "manifests/yaml_reader.h"
#include "base/edit_distance.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include "base/edit_distance.h"
#include "manifests/pod_spec.h"

namespace podctl::manifest {
namespace {

// Matched by hand, in one pass: std::regex recurses once per character, and a 40,000-digit
// scalar in a hostile manifest overflowed the stack.
bool one_of(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

bool digits(std::string_view s, const char* allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

// [-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)
bool int_text(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s == "0") return true;
  if (s.size() >= 2 && s[0] == '0') {
    char k = s[1];
    if (k == 'x' || k == 'X') return digits(s.substr(2), "0123456789abcdefABCDEF");
    if (k == 'b' || k == 'B') return digits(s.substr(2), "01");
    if (k == 'o' || k == 'O') return digits(s.substr(2), "01234567");
    return digits(s.substr(1), "01234567");
  }
  return !s.empty() && s[0] >= '1' && s[0] <= '9' && digits(s, "0123456789");
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)
bool float_text(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s == ".inf" || s == ".Inf" || s == ".INF") return true;
  size_t e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos) {
    std::string_view exponent = s.substr(e + 1);
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.remove_prefix(1);
    if (!digits(exponent, "0123456789")) return false;
  }
  size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return digits(mantissa, "0123456789");
  std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return digits(fraction, "0123456789");
  return digits(whole, "0123456789") && (fraction.empty() || digits(fraction, "0123456789"));
}

// The resolution of sigs.k8s.io/yaml's go-yaml v2 (what the API server decodes with): a plain
// scalar is an int when Go's ParseInt(base 0) takes it, a float when it matches yamlStyleFloat.
ScalarKind resolve_plain(const std::string& s) {
  if (one_of(s, {"~", "null", "Null", "NULL", ""})) return ScalarKind::Null;
  if (one_of(s, {"y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
                 "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}))
    return ScalarKind::Bool;
  std::string plain = s;
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (int_text(plain)) return ScalarKind::Int;
  if (float_text(plain)) return ScalarKind::Float;
  return ScalarKind::String;
}

bool parse_bool_text(const std::string& s) {
  return one_of(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"});
}

}  // namespace

ScalarKind plain_scalar_kind(const std::string& text) { return resolve_plain(text); }

ScalarKind scalar_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return ScalarKind::Null;
  if (!node.IsScalar()) return ScalarKind::String;
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return ScalarKind::String;
  if (tag == "tag:yaml.org,2002:int") return ScalarKind::Int;
  if (tag == "tag:yaml.org,2002:bool") return ScalarKind::Bool;
  if (tag == "tag:yaml.org,2002:float") return ScalarKind::Float;
  return resolve_plain(node.Scalar());
}

const char* kind_name(const YAML::Node& node) {
  if (node.IsMap()) return "an object";
  if (node.IsSequence()) return "a list";
  switch (scalar_kind(node)) {
    case ScalarKind::Null: return "null";
    case ScalarKind::Bool: return "a boolean";
    case ScalarKind::Int: return "an integer";
    case ScalarKind::Float: return "a number";
    case ScalarKind::String: return "a string";
  }
  return "a value";
}

SourcePos ParseContext::pos(const YAML::Node& node) {
  auto m = node.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

void ParseContext::error(const YAML::Node& at, const std::string& path, std::string message) {
  errors.push_back({path, std::move(message), pos(at)});
}

void ParseContext::error(SourcePos at, const std::string& path, std::string message) {
  errors.push_back({path, std::move(message), at});
}

void ParseContext::record(const std::string& path, const YAML::Node& node) {
  auto p = pos(node);
  if (p.line > 0) positions[path] = p;
}

bool ParseContext::read_string(const YAML::Node& node, const std::string& path, std::string& out) {
  record(path, node);
  if (!node.IsScalar() || scalar_kind(node) != ScalarKind::String) {
    if (node.IsScalar() && scalar_kind(node) != ScalarKind::Null)
      error(node, path,
            std::string("must be a string, not ") + kind_name(node) + " (quote it: \"" + node.Scalar() + "\")");
    else
      error(node, path, std::string("must be a string, not ") + kind_name(node));
    return false;
  }
  out = node.Scalar();
  return true;
}

bool ParseContext::read_int(const YAML::Node& node, const std::string& path, int64_t& out) {
  record(path, node);
  if (!node.IsScalar() || scalar_kind(node) != ScalarKind::Int) {
    error(node, path, std::string("must be an integer, not ") + kind_name(node));
    return false;
  }
  std::string s = node.Scalar();
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  try {
    size_t used = 0;
    int base = 10;
    std::string digits = s;
    bool neg = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
      neg = digits[0] == '-';
      digits = digits.substr(1);
    }
    if (digits.rfind("0x", 0) == 0)
      base = 16, digits = digits.substr(2);
    else if (digits.rfind("0X", 0) == 0)
      base = 16, digits = digits.substr(2);
    else if (digits.rfind("0b", 0) == 0 || digits.rfind("0B", 0) == 0)
      base = 2, digits = digits.substr(2);
    else if (digits.rfind("0o", 0) == 0 || digits.rfind("0O", 0) == 0)
      base = 8, digits = digits.substr(2);
    else if (digits.size() > 1 && digits[0] == '0')
      base = 8;
    long long v = std::stoll(digits, &used, base);
    if (used != digits.size()) throw std::invalid_argument(s);
    out = neg ? -v : v;
  } catch (const std::exception&) {
    error(node, path, "integer out of range: " + node.Scalar());
    return false;
  }
  return true;
}

bool ParseContext::read_bool(const YAML::Node& node, const std::string& path, bool& out) {
  record(path, node);
  if (!node.IsScalar() || scalar_kind(node) != ScalarKind::Bool) {
    error(node, path, std::string("must be a boolean (true or false), not ") + kind_name(node));
    return false;
  }
  out = parse_bool_text(node.Scalar());
  return true;
}

MapReader::MapReader(ParseContext& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (!ctx_.positions.count(path_)) ctx_.record(path_, node_);
  if (!node.IsMap()) {
    if (!node.IsNull()) ctx_.error(node, path_, std::string("must be an object, not ") + kind_name(node));
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: `it->first` refers into a temporary that yaml-cpp's iterator hands out.
    YAML::Node key = it->first;
    if (!key.IsScalar()) {
      ctx_.error(key, path_, "field names must be strings");
      continue;
    }
    std::string name = key.Scalar();
    if (entries_.count(name)) {
      ctx_.error(key, child(name),
                 "duplicate field (also at line " + std::to_string(ParseContext::pos(entries_[name].key).line) + ")");
      continue;
    }
    entries_[name] = Entry{key, it->second};
    order_.push_back(name);
  }
}

bool MapReader::has(const char* key) const {
  auto it = entries_.find(key);
  return it != entries_.end() && !it->second.value.IsNull();
}

const YAML::Node* MapReader::take(const char* key) {
  asked_.insert(key);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  consumed_.insert(key);
  // A scalar is shown where its value is; an object or a list where its key is.
  const YAML::Node& value = it->second.value;
  ctx_.record(child(key), value.IsNull() || value.IsMap() || value.IsSequence() ? it->second.key : value);
  if (it->second.value.IsNull()) return nullptr;
  return &it->second.value;
}

void MapReader::missing(const char* key) { ctx_.error(pos(), child(key), "required field is missing"); }

bool MapReader::string(const char* key, std::string& out, bool required) {
  const YAML::Node* v = take(key);
  if (!v) {
    if (required) missing(key);
    return false;
  }
  return ctx_.read_string(*v, child(key), out);
}

bool MapReader::string(const char* key, std::optional<std::string>& out) {
  std::string s;
  if (!string(key, s)) return false;
  out = s;
  return true;
}

bool MapReader::integer(const char* key, int64_t& out, bool required) {
  const YAML::Node* v = take(key);
  if (!v) {
    if (required) missing(key);
    return false;
  }
  return ctx_.read_int(*v, child(key), out);
}

bool MapReader::integer(const char* key, std::optional<int64_t>& out) {
  int64_t v = 0;
  if (!integer(key, v)) return false;
  out = v;
  return true;
}

bool MapReader::boolean(const char* key, bool& out) {
  const YAML::Node* v = take(key);
  return v && ctx_.read_bool(*v, child(key), out);
}

bool MapReader::boolean(const char* key, std::optional<bool>& out) {
  bool b = false;
  if (!boolean(key, b)) return false;
  out = b;
  return true;
}

bool MapReader::string_list(const char* key, std::vector<std::string>& out) {
  const YAML::Node* v = take(key);
  if (!v) return false;
  if (!v->IsSequence()) {
    ctx_.error(*v, child(key), std::string("must be a list of strings, not ") + kind_name(*v));
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < v->size(); ++i) {
    std::string s;
    if (ctx_.read_string((*v)[i], child(key) + "[" + std::to_string(i) + "]", s))
      out.push_back(s);
    else
      ok = false;
  }
  return ok;
}

bool MapReader::string_map(const char* key, std::map<std::string, std::string>& out) {
  const YAML::Node* v = take(key);
  if (!v) return false;
  if (!v->IsMap()) {
    ctx_.error(*v, child(key), std::string("must be a map of strings, not ") + kind_name(*v));
    return false;
  }
  MapReader inner(ctx_, *v, child(key));
  for (const auto& name : inner.order_) {
    std::string value;
    const YAML::Node* item = inner.take(name.c_str());
    if (!item) {
      value.clear();
    } else if (!ctx_.read_string(*item, inner.child(name), value)) {
      continue;
    }
    out[name] = value;
  }
  return true;
}

bool MapReader::int_or_string(const char* key, IntOrString& out, bool required) {
  const YAML::Node* v = take(key);
  if (!v) {
    if (required) missing(key);
    return false;
  }
  auto kind = scalar_kind(*v);
  if (v->IsScalar() && kind == ScalarKind::Int) {
    out.is_string = false;
    return ctx_.read_int(*v, child(key), out.number);
  }
  if (v->IsScalar() && kind == ScalarKind::String) {
    out.is_string = true;
    return ctx_.read_string(*v, child(key), out.text);
  }
  ctx_.error(*v, child(key), std::string("must be an integer or a string, not ") + kind_name(*v));
  return false;
}

void MapReader::object(const char* key, const std::function<void(MapReader&)>& fn, bool required) {
  const YAML::Node* v = take(key);
  if (!v) {
    if (required) missing(key);
    return;
  }
  if (!v->IsMap()) {
    ctx_.error(*v, child(key), std::string("must be an object, not ") + kind_name(*v));
    return;
  }
  MapReader inner(ctx_, *v, child(key));
  fn(inner);
  inner.finish();
}

void MapReader::list(const char* key, const std::function<void(const YAML::Node&, const std::string&)>& fn,
                     bool required) {
  const YAML::Node* v = take(key);
  if (!v) {
    if (required) missing(key);
    return;
  }
  if (!v->IsSequence()) {
    ctx_.error(*v, child(key), std::string("must be a list, not ") + kind_name(*v));
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) fn((*v)[i], child(key) + "[" + std::to_string(i) + "]");
}

void MapReader::unsupported(std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    asked_.insert(key);
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    consumed_.insert(key);
    ctx_.error(it->second.key, child(key), "not supported by podctl");
  }
}

void MapReader::read_only(std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    consumed_.insert(key);
    ctx_.error(it->second.key, child(key), "is set by podctl, not by the manifest: remove it");
  }
}

void MapReader::finish() {
  for (const auto& name : order_) {
    if (consumed_.count(name)) continue;
    std::string message = "unknown field \"" + name + "\"";
    std::string best;
    size_t best_distance = 3;
    for (const auto& known : asked_) {
      size_t d = edit_distance(name, known);
      if (d < best_distance) best_distance = d, best = known;
    }
    if (!best.empty()) message += " (did you mean \"" + best + "\"?)";
    ctx_.error(entries_[name].key, child(name), message);
  }
}

}  // namespace podctl::manifest
