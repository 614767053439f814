// podctl - the defaults the Kubernetes API server applies (pkg/apis/core/v1/defaults.go).
#pragma once

#include <string>

#include "manifests/pod_spec.h"
#include "manifests/service_spec.h"
#include "manifests/workload_spec.h"

namespace podctl::manifest {

void apply_defaults(Pod& pod, const std::string& default_namespace);
void apply_defaults(ConfigMap& cm, const std::string& default_namespace);
void apply_defaults(Secret& secret, const std::string& default_namespace);
// apps/v1 defaults (pkg/apis/apps/v1/defaults.go): strategy RollingUpdate 25%/25%, the template's
// pod defaults.
void apply_defaults(Deployment& deployment, const std::string& default_namespace);
void apply_defaults(ReplicaSet& replica_set, const std::string& default_namespace);
// batch/v1: completionMode NonIndexed; the template's pod defaults.
void apply_defaults(Job& job, const std::string& default_namespace);
void apply_defaults(PersistentVolumeClaim& claim, const std::string& default_namespace);
void apply_defaults(Namespace& ns, const std::string& default_namespace);  // cluster-scoped: nothing
// podManagementPolicy OrderedReady, updateStrategy RollingUpdate, the claim templates' and the
// pod template's defaults.
void apply_defaults(StatefulSet& set, const std::string& default_namespace);
// type ClusterIP, protocol TCP, targetPort = port, sessionAffinity None.
void apply_defaults(Service& service, const std::string& default_namespace);
// Always for ":latest" or no tag (and no digest), IfNotPresent otherwise.
std::string default_pull_policy(const std::string& image);

}  // namespace podctl::manifest
