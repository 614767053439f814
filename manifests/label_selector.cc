#include "manifests/label_selector.h"

#include <algorithm>

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

}  // namespace podctl::manifest
