#include "manifests/load.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "manifests/defaults.h"
#include "manifests/support.h"
#include "manifests/validate.h"

namespace podctl::manifest {
namespace {

bool read_all(std::istream& in, std::string& out) {
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

bool has_manifest_extension(const std::string& name) {
  for (const char* ext : {".yaml", ".yml", ".json"}) {
    std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

bool within(const std::string& path, const std::string& parent) {
  return path == parent || (path.rfind(parent, 0) == 0 && (path[parent.size()] == '.' || path[parent.size()] == '['));
}

void add_errors(LoadResult& out, const std::string& file, std::vector<FieldError> errors, const PositionMap& positions,
                const std::vector<FieldError>& already = {}) {
  for (auto& e : errors) {
    bool repeats = false;
    for (const auto& a : already) repeats |= within(e.path, a.path) || within(a.path, e.path);
    if (repeats) continue;
    if (e.pos.line == 0) e.pos = position_of(positions, e.path);
    out.errors.push_back(format_error(file, e));
  }
}

void finish_object(Object& object, const std::string& file, const LoadOptions& options, ParseContext& ctx,
                   LoadResult& out, const std::vector<FieldError>& parse_errors) {
  std::vector<FieldError> errors;
  if (auto* pod = std::get_if<Pod>(&object)) {
    apply_defaults(*pod, options.default_namespace);
    errors = validate(*pod);
    if (errors.empty() && options.check_implemented) errors = check_implemented(*pod);
  } else {
    std::visit(
        [&](auto& o) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(o)>, Pod>) {
            apply_defaults(o, options.default_namespace);
            errors = validate(o);
          }
        },
        object);
  }
  // kubectl: a manifest's own namespace must agree with an explicit -n.
  const auto& ns = metadata_of(object).namespace_;
  if (options.namespace_explicit && !ns.empty() && ns != options.default_namespace &&
      !std::holds_alternative<Namespace>(object))
    errors.push_back({"metadata.namespace",
                      "the namespace from the provided object \"" + ns + "\" does not match the namespace \"" +
                          options.default_namespace + "\". You must pass '--namespace=" + ns +
                          "' to perform this operation.",
                      {}});
  // Only podctl's controllers make owned objects; an owner named in a manifest would be one that
  // podctl did not create and does not reconcile.
  if (!options.owner_references_allowed && !metadata_of(object).owner_references.empty())
    errors.push_back({"metadata.ownerReferences",
                      "set by podctl's controllers on what they create; a manifest may not set it", {}});
  add_errors(out, file, std::move(errors), ctx.positions, parse_errors);
}

// yaml-cpp 0.7's LoadAll loops forever, allocating, on a stray token it never consumes (a lone
// ",", yaml-cpp#1040, fixed upstream in 2024 by #1319). The same parser, driven document by
// document with an event handler, shows the loop as a null-only document at the position of
// the previous one: report a syntax error there instead.
class LoopDetector : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { events_ = 0, null_at_ = {-1, -1}; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { ++events_, null_at_ = {mark.line, mark.column}; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events_; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { ++events_; }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    ++events_;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    ++events_;
  }
  void OnMapEnd() override {}
  // The position of a document that is a lone null, or (-1, -1).
  std::pair<int, int> lone_null() const { return events_ == 1 ? null_at_ : std::pair{-1, -1}; }

 private:
  int events_ = 0;
  std::pair<int, int> null_at_{-1, -1};
};

std::optional<SourcePos> find_parser_loop(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  LoopDetector detector;
  std::pair<int, int> previous{-1, -1};
  while (parser.HandleNextDocument(detector)) {
    auto at = detector.lone_null();
    if (at.first >= 0 && at == previous) return SourcePos{at.first + 1, at.second + 1};
    previous = at;
  }
  return std::nullopt;
}

// Manifests are small; the Kubernetes API server refuses requests over 3 MiB as well.
constexpr size_t kMaxManifestBytes = 8 * 1024 * 1024;

}  // namespace

const ObjectMeta& metadata_of(const Object& object) {
  return std::visit([](const auto& o) -> const ObjectMeta& { return o.metadata; }, object);
}

std::string kind_of(const Object& object) {
  static const char* const kKinds[] = {"Pod", "ConfigMap", "Secret", "Deployment", "ReplicaSet", "Service", "Job",
                                       "PersistentVolumeClaim", "StatefulSet", "Namespace"};
  static_assert(std::size(kKinds) == std::variant_size_v<Object>);
  return kKinds[object.index()];
}

void load_text(const std::string& text, const std::string& file, const LoadOptions& options, LoadResult& out) {
  if (text.size() > kMaxManifestBytes) {
    out.errors.push_back(file + ": too large (" + std::to_string(text.size()) + " bytes; manifests may have at most " +
                         std::to_string(kMaxManifestBytes) + ")");
    return;
  }
  std::vector<YAML::Node> documents;
  try {
    if (auto loop = find_parser_loop(text)) {
      out.errors.push_back(file + ":" + std::to_string(loop->line) + ":" + std::to_string(loop->column) +
                           ": invalid YAML: unexpected character where a value should start");
      return;
    }
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    std::string where = file;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    out.errors.push_back(where + ": invalid YAML: " + e.msg);
    return;
  }
  for (const auto& doc : documents) {
    if (doc.IsNull()) continue;  // an empty document, e.g. a trailing "---"
    ParseContext ctx;
    std::optional<Object> object;
    try {
      object = parse_object(ctx, doc);
    } catch (const YAML::Exception& e) {
      ctx.error(SourcePos{e.mark.line + 1, e.mark.column + 1}, "", std::string("invalid YAML: ") + e.msg);
    }
    add_errors(out, file, ctx.errors, ctx.positions);
    if (!object) continue;
    size_t before = out.errors.size();
    // Validate even after type errors, so that a file's errors come all at once; but a field that
    // did not parse is left empty, so its own validation errors would only repeat the problem.
    finish_object(*object, file, options, ctx, out, ctx.errors);
    if (out.errors.size() == before && ctx.errors.empty())
      out.objects.push_back({file, ParseContext::pos(doc), std::move(*object), std::move(ctx.positions)});
  }
}

LoadResult load_manifests(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadResult out;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (path == "-") {
      files.push_back(path);
      continue;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      out.errors.push_back(path + ": the path does not exist");
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> names;
    if (DIR* d = ::opendir(path.c_str())) {
      while (auto* ent = ::readdir(d))
        if (has_manifest_extension(ent->d_name)) names.push_back(ent->d_name);
      ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    if (names.empty()) out.errors.push_back(path + ": no manifest files (*.yaml, *.yml, *.json) in this directory");
    for (const auto& n : names) files.push_back(path + (path.back() == '/' ? "" : "/") + n);
  }
  for (const auto& file : files) {
    std::string text;
    if (file == "-") {
      read_all(std::cin, text);
      load_text(text, "STDIN", options, out);
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in || !read_all(in, text)) {
      out.errors.push_back(file + ": cannot read the file");
      continue;
    }
    load_text(text, file, options, out);
  }
  // The same object twice in one apply is ambiguous: which one wins?
  std::map<std::string, const LoadedObject*> seen;
  for (const auto& o : out.objects) {
    const auto& m = metadata_of(o.object);
    std::string key = kind_of(o.object) + " " + m.namespace_ + "/" + m.name;
    auto [it, fresh] = seen.emplace(key, &o);
    if (!fresh)
      out.errors.push_back(format_error(
          o.file, {"metadata.name",
                   kind_of(o.object) + " \"" + m.name + "\" in namespace \"" + m.namespace_ + "\" is also defined at " +
                       it->second->file + ":" + std::to_string(it->second->pos.line),
                   o.pos}));
  }
  if (!out.ok()) out.objects.clear();
  if (out.ok() && out.objects.empty() && out.errors.empty()) out.errors.push_back("no objects passed to apply");
  return out;
}

}  // namespace podctl::manifest
