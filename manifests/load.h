// podctl - loads manifests from files, directories (*.yaml, *.yml, *.json, sorted) and stdin ("-"),
// multi-document, then defaults and validates them. All errors of all files are collected.
#pragma once

#include <string>
#include <vector>

#include "manifests/field_error.h"
#include "manifests/parse.h"

namespace podctl::manifest {

struct LoadedObject {
  std::string file;  // as shown in errors ("pod.yaml", "STDIN")
  SourcePos pos;     // where the document starts
  Object object;
  PositionMap positions;
};

struct LoadResult {
  std::vector<LoadedObject> objects;
  std::vector<std::string> errors;  // formatted "FILE:LINE:COL: path: reason"
  bool ok() const { return errors.empty(); }
};

struct LoadOptions {
  std::string default_namespace = "default";
  bool check_implemented = true;  // reject fields that this build does not give behaviour to
  bool owner_references_allowed = false;  // the store's own objects (made by controllers) only
  bool namespace_explicit = false;        // -n was given: a manifest naming another namespace is refused
};

LoadResult load_manifests(const std::vector<std::string>& paths, const LoadOptions& options);
// Parses text that came from `file` (used for stdin, stored specs and tests).
void load_text(const std::string& text, const std::string& file, const LoadOptions& options, LoadResult& out);

const ObjectMeta& metadata_of(const Object& object);
std::string kind_of(const Object& object);

}  // namespace podctl::manifest
