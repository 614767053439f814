// podctl - which valid Kubernetes fields this build of podctl gives behaviour to. A field that
// parses and validates but has no behaviour yet is rejected here, never accepted and ignored.
#pragma once

#include <vector>

#include "manifests/field_error.h"
#include "manifests/pod_spec.h"

namespace podctl::manifest {

std::vector<FieldError> check_implemented(const Pod& pod);

}  // namespace podctl::manifest
