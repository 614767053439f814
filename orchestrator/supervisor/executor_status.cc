// The pod's status as the kubelet would report it (phase, conditions, container states), as typed
// values; orchestrator/status/pod_status_json writes them into status.json.
#include "orchestrator/plan/resources.h"
#include "orchestrator/supervisor/pod_executor.h"

namespace podctl::supervisor {

using plan::ConditionType;

plan::PodStatus PodExecutor::status(const std::string& host_ip, const std::string& pod_ip,
                                    const std::string& start_time) {
  plan::PodStatus st;
  // ContainersReady counts the regular containers and the sidecars (restartable init containers).
  bool all_ready = !pod_.spec.containers.empty();
  for (const auto& c : containers_) {
    if (!c.is_init || c.is_sidecar) all_ready &= c.ready();
    plan::ContainerStatus cs;
    cs.name = c.spec->name;
    cs.image = c.spec->image;
    if (const Image* image = image_of(c)) cs.image_id = image->id;
    if (!c.container_id.empty()) cs.container_id = "podctl://" + c.container_id;
    cs.ready = c.ready();
    cs.started = c.started();
    cs.restart_count = std::max(0, c.observed.starts - 1);
    cs.state = c.state;
    cs.last_state = c.last_state;
    (c.is_init ? st.init_containers : st.containers).push_back(std::move(cs));
  }
  plan::ObservedPod observed = observe();
  const std::string now = runtime_.wall_clock();
  auto condition = [&](ConditionType type, bool value) {
    auto& [status, since] = conditions_[type];
    if (since.empty() || status != value) status = value, since = now;
    return plan::PodCondition{type, value, since};
  };
  st.phase = plan::pod_phase(pod_.spec, observed);
  st.host_ip = host_ip;
  st.pod_ip = pod_ip;
  st.start_time = start_time;
  st.qos_class = plan::qos_class(pod_);
  st.conditions = {condition(ConditionType::PodReadyToStartContainers, sandbox_ == plan::SandboxState::Ready),
                   condition(ConditionType::Initialized, plan::initialized(pod_.spec, observed)),
                   condition(ConditionType::Ready, all_ready && !terminating_),
                   condition(ConditionType::ContainersReady, all_ready && !terminating_),
                   condition(ConditionType::PodScheduled, true)};
  return st;
}

}  // namespace podctl::supervisor
