// podctl - the pod's event log (events.jsonl): Scheduled, Pulled, Created, Started, Killing,
// BackOff, Failed…, with kubelet wording, appended by the supervisor and read by describe.
#pragma once

#include <string>

namespace podctl {

struct EventLog {
  std::string path;
  // type: Normal | Warning; object: "spec.containers{web}" or "" for the pod.
  void add(const std::string& type, const std::string& reason, const std::string& message,
           const std::string& object = "") const;
};

}  // namespace podctl
