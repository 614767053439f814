// podctl - the columns `kubectl get pods` prints, computed exactly as kubectl's printPod does
// (pkg/printers/internalversion/printers.go): READY, STATUS, RESTARTS "N (Xm ago)", AGE.
#pragma once

#include <nlohmann/json.hpp>

#include <ctime>
#include <string>

namespace podctl {

struct PodRow {
  std::string name;
  std::string ready;
  std::string status;
  std::string restarts;
  std::string age;
  std::string ip;
};

// `pod` is a Kubernetes Pod object (metadata, spec, status).
PodRow pod_row(const nlohmann::json& pod, std::time_t now);
// duration.HumanDuration: "5s", "3m2s", "2d9h".
std::string human_duration(int64_t seconds);
// Parses "2026-11-29T10:00:00Z" (fractional seconds allowed); -1 when malformed.
std::time_t parse_rfc3339(const std::string& text);

}  // namespace podctl
