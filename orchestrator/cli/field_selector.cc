#include "orchestrator/cli/field_selector.h"

#include <set>
#include <sstream>

#include "orchestrator/output/json_path.h"

namespace podctl {

Result<std::vector<FieldRequirement>> parse_field_selector(const std::string& text, const std::string& kind) {
  static const std::set<std::string> kPodFields = {
      "metadata.name",       "metadata.namespace",        "spec.nodeName", "spec.restartPolicy",
      "spec.schedulerName", "spec.serviceAccountName", "status.phase",  "status.podIP"};
  std::vector<FieldRequirement> out;
  std::istringstream terms(text);
  for (std::string term; std::getline(terms, term, ',');) {
    if (term.empty()) continue;
    FieldRequirement r;
    size_t at = term.find("!="), width = 2;
    if (at != std::string::npos) {
      r.equal = false;
    } else if ((at = term.find("==")) == std::string::npos) {
      at = term.find('=');
      width = 1;
    }
    if (at == std::string::npos || at == 0)
      return fail(make_error("invalid field selector \"" + term + "\": expected FIELD=VALUE or FIELD!=VALUE"));
    r.field = term.substr(0, at);
    r.value = term.substr(at + width);
    bool known = kind == "pods" ? kPodFields.count(r.field) > 0
                                : r.field == "metadata.name" || r.field == "metadata.namespace";
    if (!known) return fail(make_error("field label not supported: " + r.field));
    out.push_back(std::move(r));
  }
  return out;
}

bool fields_match(const std::vector<FieldRequirement>& requirements, const nlohmann::json& object) {
  for (const auto& r : requirements) {
    std::string value = json_path_value(object, "{." + r.field + "}").value_or("");
    if ((value == r.value) != r.equal) return false;
  }
  return true;
}

}  // namespace podctl
