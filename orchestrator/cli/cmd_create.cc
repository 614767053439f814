// podctl create configmap NAME | create secret generic NAME, with --from-literal, --from-file and
// --from-env-file: kubectl's generators. The object is validated as apply validates it and stored
// only when it does not exist yet; --dry-run prints it instead (-o yaml: a manifest to keep).
#include <cstdlib>
#include <iostream>

#include "base/base64.h"
#include "manifests/serialize.h"
#include "manifests/validate.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/config_sources.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/output/yaml_output.h"
#include "orchestrator/store/json_file.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

struct Generated {
  std::string kind;  // "configmaps" or "secrets"
  json object;
  std::vector<manifest::FieldError> errors;
};

std::vector<std::string> strings(const Invocation& inv, const char* name) {
  return inv.has(name) ? inv.get<std::vector<std::string>>(name) : std::vector<std::string>{};
}

manifest::ObjectMeta meta(const Invocation& inv, const std::string& name) {
  manifest::ObjectMeta m;
  m.name = name;
  m.namespace_ = inv.global.ns;
  return m;
}

Generated config_map(const Invocation& inv, const std::string& name, std::map<std::string, std::string> data) {
  manifest::ConfigMap cm;
  cm.metadata = meta(inv, name);
  // As kubectl: text that is not UTF-8 goes to binaryData.
  for (auto& [key, bytes] : data) {
    if (valid_utf8(bytes))
      cm.data[key] = std::move(bytes);
    else
      cm.binary_data[key] = base64_encode(bytes);
  }
  return {"configmaps", manifest::to_json(cm), manifest::validate(cm)};
}

Generated secret(const Invocation& inv, const std::string& name, const std::map<std::string, std::string>& data) {
  manifest::Secret s;
  s.metadata = meta(inv, name);
  s.type = inv.get<std::string>("type");
  for (const auto& [key, bytes] : data) s.data[key] = base64_encode(bytes);
  return {"secrets", manifest::to_json(s), manifest::validate(s)};
}

// The kind and the name from `configmap NAME` or `secret generic NAME`.
Result<std::pair<std::string, std::string>> what_to_create(const std::vector<std::string>& args) {
  const std::string usage = "usage: podctl create configmap NAME [--from-literal=K=V] [--from-file=[K=]PATH] "
                            "[--from-env-file=PATH] | create secret generic NAME [same sources] [--type=T]";
  if (args.empty()) return fail(make_error(usage));
  std::string kind = resource_kind(args[0]);
  if (kind == "configmaps" && args.size() == 2) return std::make_pair(kind, args[1]);
  if (kind == "secrets" && args.size() == 3 && args[1] == "generic") return std::make_pair(kind, args[2]);
  if (kind == "secrets" && args.size() >= 2 && (args[1] == "tls" || args[1] == "docker-registry"))
    return fail(make_error("create secret " + args[1] +
                           " is not supported yet: use create secret generic NAME --type=" +
                           (args[1] == "tls" ? "kubernetes.io/tls --from-file=tls.crt=PATH --from-file=tls.key=PATH"
                                             : "kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson=PATH")));
  if (kind != "configmaps" && kind != "secrets")
    return fail(make_error("create makes configmaps and secrets (\"" + args[0] + "\" is not one); apply -f makes the rest"));
  return fail(make_error(usage));
}

int print_dry_run(const Invocation& inv, const Generated& g) {
  std::string shown = printed_kind(g.kind) + "/" + g.object["metadata"].value("name", "");
  std::string format = inv.has("output") ? inv.get<std::string>("output") : "";
  if (format.empty())
    std::cout << shown << " created (dry run)\n";
  else if (format == "yaml")
    std::cout << to_yaml(g.object);
  else if (format == "json")
    std::cout << json_text(g.object, 4) << "\n";
  else if (format == "name")
    std::cout << shown << "\n";
  else
    return report_error("-o " + format + ": expected yaml, json or name", kExitUsage);
  return kExitOk;
}

}  // namespace

int cmd_create(const Invocation& inv) {
  auto what = what_to_create(inv.args);
  if (!what) return report_error(what.error().message, kExitUsage);
  auto [kind, name] = *what;
  if (int rc = refuse_invalid_names(singular(kind), {name})) return rc;
  ConfigSources sources{strings(inv, "from-literal"), strings(inv, "from-file"), strings(inv, "from-env-file")};
  auto data = read_config_sources(sources, [](const std::string& key) -> std::optional<std::string> {
    const char* value = std::getenv(key.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  if (!data) return report_error(data.error().message, kExitUsage);
  Generated g = kind == "configmaps" ? config_map(inv, name, std::move(*data)) : secret(inv, name, *data);
  if (!g.errors.empty()) {
    for (const auto& e : g.errors) std::cerr << printed_kind(kind) << "/" << name << ": " << e.path << ": " << e.message << "\n";
    return kExitUsage;
  }
  std::string dry_run = inv.get<std::string>("dry-run");
  if (dry_run != "none" && dry_run != "client" && dry_run != "server")
    return report_error("--dry-run=" + dry_run + ": expected none, client or server", kExitUsage);
  if (dry_run != "none") {
    // As kubectl: the namespace is in the printed manifest only when -n named it, so that the
    // manifest can be applied into any namespace later.
    if (!inv.global.ns_explicit) g.object["metadata"].erase("namespace");
    return print_dry_run(inv, g);
  }
  auto locked = open_locked_context(inv, true);
  if (!locked) return report_error(locked.error().message);
  if (get_object(locked->ctx.root, kind, inv.global.ns, name))
    return report_error("failed to create " + singular(kind) + ": " + kind + " \"" + name + "\" already exists");
  if (auto st = put_object(locked->ctx.root, kind, g.object); !st) return report_error(st.error().message);
  std::cout << printed_kind(kind) << "/" << name << " created\n";
  return kExitOk;
}

void create_options(po::options_description& d) {
  d.add_options()("from-literal", po::value<std::vector<std::string>>()->composing(), "KEY=VALUE (repeatable)")(
      "from-file", po::value<std::vector<std::string>>()->composing(),
      "[KEY=]PATH: a file (its name is the key) or a directory's regular files (repeatable)")(
      "from-env-file", po::value<std::vector<std::string>>()->composing(), "PATH of KEY=VALUE lines (repeatable)")(
      "type", po::value<std::string>()->default_value("Opaque"), "secret: its type")(
      "dry-run", po::value<std::string>()->default_value("none")->implicit_value("client"),
      "client (or server): print the object instead of storing it")(
      "output,o", po::value<std::string>(), "with --dry-run: yaml, json or name");
}

}  // namespace podctl
