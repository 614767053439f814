// podctl - the supported fields of each kind, read from docs/manifest-reference.md (compiled into
// the binary), for `podctl explain`: one source for the reference page and the command.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

struct FieldReference {
  std::string path;     // "spec.restartPolicy", "spec.containers.image" (list markers dropped)
  std::string meaning;  // what podctl does with it
  std::string limits;   // defaults and limits (a Volumes row: its fields), when the table has them
};

struct KindReference {
  std::string kind;         // "Deployment"
  std::string api_version;  // "apps/v1"
  std::string description;  // the section's prose
  std::vector<FieldReference> fields;
};

// The reference of a resource ("pods", "deployments"...), from the markdown page: its section, and
// for pods the Container and Volumes sections under spec.containers, spec.initContainers and
// spec.volumes. Empty fields and description when the page has no section for it.
KindReference kind_reference(const std::string& markdown, const std::string& resource);

// kubectl explain RESOURCE[.PATH] as text: the kind, then the field's description or the fields
// under it (names only with `recursive`). A workload's spec.template.spec… is the pod's spec….
// A path the page does not document is an error naming it.
Result<std::string> explain_field(const std::string& markdown, const std::string& resource, const std::string& path,
                                  bool recursive);

// The page itself, as built into the binary.
const std::string& manifest_reference_text();

}  // namespace podctl
