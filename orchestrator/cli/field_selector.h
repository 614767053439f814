// podctl - kubectl's --field-selector: `field=value`, `field==value`, `field!=value`, joined by
// commas (all must hold), on the fields the API server lets each kind be selected by.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

struct FieldRequirement {
  std::string field;  // metadata.name, status.phase…
  bool equal = true;  // = / == ; false: !=
  std::string value;
};

// Pods: metadata.name, metadata.namespace, spec.nodeName, spec.restartPolicy, spec.schedulerName,
// spec.serviceAccountName, status.phase, status.podIP; every other kind: metadata.name and
// metadata.namespace. Another field is an error naming it, as the API server's.
Result<std::vector<FieldRequirement>> parse_field_selector(const std::string& text, const std::string& kind);
bool fields_match(const std::vector<FieldRequirement>& requirements, const nlohmann::json& object);

}  // namespace podctl
