// podctl - readers shared by the parsers of each kind (parse_pod.cc, parse_workloads.cc).
#pragma once

#include <optional>
#include <string>

#include "manifests/parse.h"

namespace podctl::manifest {

void read_pod_spec(ParseContext& ctx, MapReader& m, PodSpec& spec);
// nodeSelector, nodeName, schedulerName, affinity, tolerations, topologySpreadConstraints.
void read_scheduling(MapReader& m, PodSpec& spec);
// matchLabels and matchExpressions of the map `s` is reading.
void read_label_selector(MapReader& s, LabelSelector& out);
// A PersistentVolumeClaim's spec (also a StatefulSet's volumeClaimTemplates[].spec).
void read_claim_spec(ParseContext& ctx, MapReader& s, PersistentVolumeClaim& pvc);
// The fields of an ObjectMeta (a pod template's has no required name).
void read_object_meta(MapReader& m, ObjectMeta& meta, bool name_required);
// The document's required `metadata`.
void read_metadata(MapReader& r, ObjectMeta& meta);
// An apps/v1 Deployment or ReplicaSet (kind already checked).
std::optional<Object> parse_workload(ParseContext& ctx, MapReader& top, const std::string& kind);

// A v1 Service (kind already checked).
std::optional<Object> parse_service(ParseContext& ctx, MapReader& top);

}  // namespace podctl::manifest
