// podctl - label selectors (metav1.LabelSelector), shared by workloads, Services and scheduling.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace podctl::manifest {

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool operator==(const LabelSelector&) const = default;
};

}  // namespace podctl::manifest
