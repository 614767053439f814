// podctl - typed objects → Kubernetes-shaped JSON (camelCase, empty fields left out), the form that
// the store keeps and that `get -o json|yaml` prints. The store reads it back with the YAML loader.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "manifests/pod_spec.h"
#include "manifests/service_spec.h"
#include "manifests/workload_spec.h"

namespace podctl::manifest {

nlohmann::json to_json(const Pod& pod);
nlohmann::json selector_json(const LabelSelector& s);
// nodeSelector, nodeName, schedulerName, affinity, tolerations, topologySpreadConstraints.
void put_scheduling(nlohmann::json& spec, const PodSpec& s);
nlohmann::json to_json(const ConfigMap& cm);
// stringData is merged into data (base64), as the API server stores a Secret.
nlohmann::json to_json(const Secret& secret);
nlohmann::json to_json(const Container& c);
nlohmann::json to_json(const ObjectMeta& m);
nlohmann::json to_json(const PodTemplate& t);  // metadata (labels, annotations) and spec
nlohmann::json to_json(const ReplicaSet& rs);
nlohmann::json to_json(const Deployment& d);
nlohmann::json to_json(const Service& s);
nlohmann::json to_json(const Job& j);
nlohmann::json to_json(const PersistentVolumeClaim& c);
nlohmann::json to_json(const Namespace& n);
nlohmann::json to_json(const StatefulSet& s);
// The pod-template-hash label of the ReplicaSet that runs this template (controller.ComputeHash's
// shape: 32-bit FNV-1a, encoded with rand.SafeEncodeString's alphabet).
std::string pod_template_hash(const PodTemplate& t);

// Stable hash of a container's spec (restart when it changes, as the kubelet's HashContainer).
std::string container_hash(const Container& c);
// Stable hash of the whole pod object.
std::string pod_hash(const Pod& pod);
// Hash of what is not a container's own spec: a change here replaces the pod, while a change of
// containers[i] alone restarts just that container (the names and their order count here).
std::string pod_level_hash(const Pod& pod);

}  // namespace podctl::manifest
