// podctl - shell completion: what may come next on a podctl command line (verbs, resource types,
// the names of the objects of the root, a pod's containers, namespaces, subcommands). Pure: the
// names come from a NameSource, so the rules are tested without a root.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace podctl {

struct NameSource {
  // Names of the objects of a kind ("pods", "deployments"…) in a namespace.
  std::function<std::vector<std::string>(const std::string& kind, const std::string& ns)> names;
  std::function<std::vector<std::string>(const std::string& ns, const std::string& pod)> containers;
  std::function<std::vector<std::string>()> namespaces;
  std::string default_namespace;
};

// `words` are the words after `podctl`, the last being the one being completed (maybe empty).
// Candidates start with that word; none means "complete file names" (after -f, for instance).
std::vector<std::string> complete_words(const std::vector<std::string>& words, const std::vector<std::string>& verbs,
                                        const NameSource& source);

}  // namespace podctl
