// podctl completion bash|zsh: a completion script for the shell, which asks podctl itself what may
// come next (podctl __complete -- WORDS…), so that pod, container and namespace names are the
// root's own at the moment of the Tab.
#include <iostream>
#include <set>

#include "base/files.h"

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/completion.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

const char* kBashScript = R"(# podctl completion for bash: source <(podctl completion bash)
_podctl() {
  local IFS=$'\n'
  COMPREPLY=($(podctl __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _podctl podctl
)";

const char* kZshScript = R"(# podctl completion for zsh: source <(podctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
_podctl() {
  local IFS=$'\n'
  COMPREPLY=($(podctl __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _podctl podctl
)";

NameSource root_names(const Invocation& inv) {
  RootPaths root{inv.global.root};
  NameSource source;
  source.default_namespace = inv.global.ns;
  source.names = [root](const std::string& kind, const std::string& ns) {
    std::vector<std::string> out;
    if (kind == "pods") {
      if (auto pods = list_pod_records(root, ns))
        for (const auto& p : *pods) out.push_back(p.name);
    } else if (auto objects = list_objects(root, kind, ns)) {
      for (const auto& o : *objects) out.push_back(o["metadata"].value("name", ""));
    }
    return out;
  };
  source.containers = [root](const std::string& ns, const std::string& pod) {
    std::vector<std::string> out;
    if (!is_store_label(ns) || !is_store_name(pod)) return out;
    if (auto r = read_pod_record(root, ns, pod))
      for (const char* list : {"initContainers", "containers"})
        for (const auto& c : r->spec.value("spec", nlohmann::json::object()).value(list, nlohmann::json::array()))
          out.push_back(c.value("name", ""));
    return out;
  };
  source.namespaces = [root]() {
    std::set<std::string> out{"default"};
    if (auto dirs = list_dir(root.pods_dir()))
      for (const auto& d : *dirs)
        if (is_store_label(d)) out.insert(d);
    if (auto objects = list_objects(root, "namespaces", ""))
      for (const auto& o : *objects) out.insert(o["metadata"].value("name", ""));
    return std::vector<std::string>(out.begin(), out.end());
  };
  return source;
}

}  // namespace

int cmd_completion(const Invocation& inv) {
  std::string shell = inv.args.empty() ? "" : inv.args[0];
  if (inv.args.size() != 1 || (shell != "bash" && shell != "zsh"))
    return report_error("usage: podctl completion bash|zsh (then: source <(podctl completion bash))", kExitUsage);
  std::cout << (shell == "bash" ? kBashScript : kZshScript);
  return kExitOk;
}

void completion_options(po::options_description&) {}

int cmd_complete(const Invocation& inv) {
  std::vector<std::string> verbs;
  for (const auto& v : registered_verbs())
    if (!v.hidden) verbs.push_back(v.name);
  for (const auto& c : complete_words(inv.after_dash, verbs, root_names(inv))) std::cout << c << "\n";
  return kExitOk;
}

void complete_options(po::options_description&) {}

}  // namespace podctl
