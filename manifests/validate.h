// podctl - semantic validation as the API server does it: every error of an object at once.
#pragma once

#include <vector>

#include "manifests/field_error.h"
#include "manifests/pod_spec.h"
#include "manifests/service_spec.h"
#include "manifests/workload_spec.h"

namespace podctl::manifest {

// Runs on defaulted objects. Positions are filled in by the loader from the parser's PositionMap.
std::vector<FieldError> validate(const Pod& pod);
std::vector<FieldError> validate(const ConfigMap& cm);
std::vector<FieldError> validate(const Secret& secret);
std::vector<FieldError> validate(const Deployment& deployment);
std::vector<FieldError> validate(const ReplicaSet& replica_set);
std::vector<FieldError> validate(const Service& service);
std::vector<FieldError> validate(const Job& job);
std::vector<FieldError> validate(const PersistentVolumeClaim& claim);
std::vector<FieldError> validate(const StatefulSet& set);
std::vector<FieldError> validate(const Namespace& ns);

}  // namespace podctl::manifest
