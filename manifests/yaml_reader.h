// podctl - reads a YAML mapping field by field with exact types, recording positions and
// reporting every unknown, unsupported or mistyped field. yaml-cpp exceptions stop here.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "manifests/field_error.h"

namespace podctl::manifest {

// How a scalar resolves under the YAML 1.1 rules that sigs.k8s.io/yaml (go-yaml v2) applies:
// a plain `true`, `yes`, `on`, `8080` or `1.5` is not a string, a quoted one is.
enum class ScalarKind { Null, Bool, Int, Float, String };
ScalarKind scalar_kind(const YAML::Node& node);
// How an unquoted scalar with this text would resolve (for emitters that must quote "true", "80").
ScalarKind plain_scalar_kind(const std::string& text);
const char* kind_name(const YAML::Node& node);

class ParseContext {
 public:
  std::vector<FieldError> errors;
  PositionMap positions;

  static SourcePos pos(const YAML::Node& node);
  void error(const YAML::Node& at, const std::string& path, std::string message);
  void error(SourcePos at, const std::string& path, std::string message);
  void record(const std::string& path, const YAML::Node& node);

  // Scalar readers for list items and map values; each reports its own type error.
  bool read_string(const YAML::Node& node, const std::string& path, std::string& out);
  bool read_int(const YAML::Node& node, const std::string& path, int64_t& out);
  bool read_bool(const YAML::Node& node, const std::string& path, bool& out);
};

class MapReader {
 public:
  // Reports "must be an object" when the node is not a mapping; then every read finds nothing.
  MapReader(ParseContext& ctx, const YAML::Node& node, std::string path);

  const std::string& path() const { return path_; }
  ParseContext& context() const { return ctx_; }
  std::string child(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  bool has(const char* key) const;
  // The value of `key` (marked as read), or nullptr when absent or null.
  const YAML::Node* take(const char* key);
  SourcePos pos() const { return ParseContext::pos(node_); }

  bool string(const char* key, std::string& out, bool required = false);
  bool string(const char* key, std::optional<std::string>& out);
  bool integer(const char* key, int64_t& out, bool required = false);
  bool integer(const char* key, std::optional<int64_t>& out);
  bool boolean(const char* key, bool& out);
  bool boolean(const char* key, std::optional<bool>& out);
  bool string_list(const char* key, std::vector<std::string>& out);
  bool string_map(const char* key, std::map<std::string, std::string>& out);
  bool int_or_string(const char* key, struct IntOrString& out, bool required = false);
  void object(const char* key, const std::function<void(MapReader&)>& fn, bool required = false);
  void list(const char* key, const std::function<void(const YAML::Node&, const std::string&)>& fn,
            bool required = false);
  void missing(const char* key);

  // Kubernetes fields that podctl does not implement: an error naming the field.
  void unsupported(std::initializer_list<const char*> keys);
  // Fields the server sets (status, uid, …): an error, as podctl owns them.
  void read_only(std::initializer_list<const char*> keys);
  // Reports every key not read: "unknown field".
  void finish();

 private:
  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };
  ParseContext& ctx_;
  YAML::Node node_;
  std::string path_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
  std::set<std::string> consumed_;
  std::set<std::string> asked_;  // every field name the schema looked for, for suggestions
};

}  // namespace podctl::manifest
