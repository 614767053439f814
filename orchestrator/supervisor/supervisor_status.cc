// status.json: the pod's status as the kubelet would report it (phase, conditions, container
// states) plus what podctl itself needs to find the pod's processes again.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "base/files.h"
#include "orchestrator/supervisor/supervisor_impl.h"
#include "orchestrator/store/json_file.h"

namespace podctl::supervisor {

json Supervisor::build_status() {
  json containers = json::array(), init_containers = json::array();
  // ContainersReady counts the regular containers and the sidecars (restartable init containers).
  bool all_ready = !pod_.spec.containers.empty();
  for (const auto& s : slots_) {
    if (!s.is_init || s.is_sidecar) all_ready &= s.ready();
    const Image& image = images_[s.spec->image];
    json cs{{"name", s.spec->name},
            {"image", s.spec->image},
            {"imageID", image.id},
            {"ready", s.ready()},
            {"started", s.started()},
            {"restartCount", std::max(0, s.starts - 1)},
            {"state", s.state},
            {"lastState", s.last_state}};
    if (!s.container_id.empty()) cs["containerID"] = "podctl://" + s.container_id;
    (s.is_init ? init_containers : containers).push_back(cs);
  }
  plan::ObservedPod observed = observe();
  observed.terminating = terminating_ && done_;
  std::string now = rfc3339_now();
  auto condition = [&](const std::string& type, bool value) {
    std::string v = value ? "True" : "False";
    auto& c = conditions_[type];
    if (c.first != v) c = {v, now};
    return json{{"type", type}, {"status", v}, {"lastTransitionTime", c.second}};
  };
  json status{{"phase", plan::pod_phase(pod_.spec, observed)},
              {"hostIP", ip_to_string(net_.gateway())},
              {"podIP", record_.pod_ip},
              {"podIPs", json::array({json{{"ip", record_.pod_ip}}})},
              {"startTime", start_time_},
              {"qosClass", plan::qos_class(pod_)},
              {"conditions", json::array({condition("PodReadyToStartContainers", sandbox_ready_),
                                          condition("Initialized", plan::initialized(pod_.spec, observed)),
                                          condition("Ready", all_ready && !terminating_),
                                          condition("ContainersReady", all_ready && !terminating_),
                                          condition("PodScheduled", true)})},
              {"containerStatuses", containers}};
  if (!init_containers.empty()) status["initContainerStatuses"] = init_containers;
  json runtime{{"hostVeth", record_.host_veth}, {"cgroup", record_.cgroup}, {"supervisorPid", ::getpid()},
               {"specHash", applied_spec_hash_}};
  if (pause_.valid()) runtime["pause"] = {{"pid", pause_.pid()}, {"startTime", pause_start_time_}};
  json procs = json::object();
  for (const auto& s : slots_)
    if (s.observed.state == ContainerState::Running)
      procs[s.spec->name] = {{"pid", s.proc.pid()}, {"startTime", s.proc_start_time}, {"cgroup", s.cgroup},
                             {"containerID", s.container_id}, {"logFile", paths_.log_dir(s.spec->name) + "/" +
                                                                             std::to_string(s.starts - 1) + ".log"}};
  runtime["containers"] = procs;
  return json{{"status", status}, {"runtime", runtime}};
}

void Supervisor::write_status() {
  std::string text = json_text(build_status(), 2) + "\n";
  if (text == last_status_) return;
  if (auto st = write_file_atomic(paths_.status(), text); !st) spdlog::error("write status: {}", st.error().message);
  else last_status_ = text;
}

}  // namespace podctl::supervisor
