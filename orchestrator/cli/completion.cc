#include "orchestrator/cli/completion.h"

#include <algorithm>
#include <map>
#include <set>

#include "orchestrator/cli/cli_support.h"

namespace podctl {
namespace {

const std::set<std::string> kValuedGlobals = {"--root", "--bridge", "--subnet", "--outbound", "--seccomp-default",
                                              "--namespace", "-n", "--log-level", "--service-cidr", "--pod-name-hosts"};
// Options of the verbs that take a value: the word after them is that value, not an argument.
const std::set<std::string> kValuedOptions = {"-c", "--container", "-f", "--filename", "-l", "--selector", "-o",
                                              "--output", "--for", "--timeout", "--wait", "--grace-period",
                                              "--field-selector", "-L", "--label-columns", "--replicas", "--tail",
                                              "--since", "--address", "--sort-by", "--types", "--from-literal",
                                              "--from-file", "--from-env-file", "--type", "--to-revision",
                                              "--restart-backoff", "--log-max-size", "--log-max-files", "--pids-limit",
                                              "--cascade", "--dry-run"};
const std::vector<std::string> kTypes = {"pods", "deployments", "replicasets", "statefulsets", "jobs", "services",
                                         "configmaps", "secrets", "persistentvolumeclaims", "namespaces"};
// Verbs whose first argument is a pod (TYPE/NAME also works there).
const std::set<std::string> kPodVerbs = {"logs", "exec", "attach", "port-forward", "inspect"};
// Verbs whose arguments are TYPE NAME… or TYPE/NAME….
const std::set<std::string> kTypedVerbs = {"get", "describe", "delete", "restart", "wait", "scale"};
const std::map<std::string, std::vector<std::string>> kSubcommands = {
    {"rollout", {"status", "restart", "undo", "history"}}, {"create", {"configmap", "secret"}},
    {"image", {"import", "pull", "ls", "rm", "prune"}},    {"system", {"reset"}},
    {"top", {"pod", "node"}},                              {"completion", {"bash", "zsh"}}};

std::vector<std::string> starting_with(const std::vector<std::string>& all, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& a : all)
    if (a.rfind(prefix, 0) == 0) out.push_back(a);
  return out;
}

struct Line {
  std::string verb;
  std::vector<std::string> args;  // positional arguments before the current word
  std::string ns;
  std::string previous;  // the word before the current one
};

Line read_line(const std::vector<std::string>& words, const std::string& default_ns) {
  Line line{"", {}, default_ns, words.size() >= 2 ? words[words.size() - 2] : ""};
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "-n" || w == "--namespace") {
      if (i + 2 < words.size()) line.ns = words[i + 1];
      ++i;
    } else if (w.rfind("--namespace=", 0) == 0) {
      line.ns = w.substr(12);
    } else if (kValuedGlobals.count(w) || (!line.verb.empty() && kValuedOptions.count(w))) {
      ++i;
    } else if (w == "--") {
      break;  // exec's command follows
    } else if (!w.empty() && w[0] != '-') {
      if (line.verb.empty())
        line.verb = w;
      else
        line.args.push_back(w);
    }
  }
  return line;
}

std::vector<std::string> typed_names(const NameSource& source, const std::string& kind, const std::string& ns,
                                     const std::string& word) {
  std::vector<std::string> out;
  for (const auto& n : source.names(kind, ns)) out.push_back(word + n);
  return out;
}

// A word with a slash is TYPE/NAME: the names of that type, written as the user began them.
std::vector<std::string> slashed(const NameSource& source, const Line& line, const std::string& current) {
  auto slash = current.find('/');
  std::string kind = resource_kind(current.substr(0, slash));
  if (kind.empty()) return {};
  return starting_with(typed_names(source, kind, line.ns, current.substr(0, slash + 1)), current);
}

std::vector<std::string> arguments(const NameSource& source, const Line& line, const std::string& current) {
  if (current.find('/') != std::string::npos) return slashed(source, line, current);
  if (kPodVerbs.count(line.verb))
    return line.args.empty() ? starting_with(source.names("pods", line.ns), current) : std::vector<std::string>{};
  if (auto sub = kSubcommands.find(line.verb); sub != kSubcommands.end()) {
    if (line.args.empty()) return starting_with(sub->second, current);
    if (line.verb == "rollout" && line.args.size() == 1)
      return starting_with(typed_names(source, "deployments", line.ns, "deployment/"), current);
    if (line.verb == "top" && line.args.size() >= 1 && resource_kind(line.args[0]) == "pods")
      return starting_with(source.names("pods", line.ns), current);
    if (line.verb == "create" && line.args.size() == 1 && line.args[0] == "secret")
      return starting_with({"generic"}, current);
    return {};
  }
  if (!kTypedVerbs.count(line.verb)) return {};
  if (line.args.empty()) {
    std::vector<std::string> types = kTypes;
    if (line.verb == "get") types.insert(types.end(), {"all", "events"});
    return starting_with(types, current);
  }
  std::string kind = resource_kind(line.args[0]);
  if (kind.empty()) return {};
  return starting_with(kind == "namespaces" ? source.namespaces() : source.names(kind, line.ns), current);
}

}  // namespace

std::vector<std::string> complete_words(const std::vector<std::string>& words, const std::vector<std::string>& verbs,
                                        const NameSource& source) {
  if (words.empty()) return verbs;
  const std::string& current = words.back();
  Line line = read_line(words, source.default_namespace);
  const std::string& prev = line.previous;
  if (prev == "-n" || prev == "--namespace") return starting_with(source.namespaces(), current);
  if (prev == "-c" || prev == "--container") {
    std::string pod = line.args.empty() ? "" : line.args[0];
    if (auto slash = pod.find('/'); slash != std::string::npos) pod = pod.substr(slash + 1);
    return pod.empty() ? std::vector<std::string>{} : starting_with(source.containers(line.ns, pod), current);
  }
  if (prev == "-o" || prev == "--output")
    return starting_with({"wide", "json", "yaml", "name", "jsonpath=", "custom-columns="}, current);
  if (kValuedGlobals.count(prev) || kValuedOptions.count(prev)) return {};  // a value: files, or free text
  if (!current.empty() && current[0] == '-') return {};
  if (line.verb.empty()) return starting_with(verbs, current);
  return arguments(source, line, current);
}

}  // namespace podctl
