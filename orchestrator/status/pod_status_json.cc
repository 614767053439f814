#include "orchestrator/status/pod_status_json.h"

namespace podctl {

using nlohmann::json;
using namespace plan;

namespace {

json terminated_json(const TerminatedState& t) {
  json j{{"exitCode", t.exit_code},
         {"reason", name_of(t.reason)},
         {"startedAt", t.started_at},
         {"finishedAt", t.finished_at}};
  if (!t.message.empty()) j["message"] = t.message;
  if (!t.container_id.empty()) j["containerID"] = t.container_id;
  return j;
}

json container_json(const ContainerStatus& cs) {
  json j{{"name", cs.name},
         {"image", cs.image},
         {"imageID", cs.image_id},
         {"ready", cs.ready},
         {"started", cs.started},
         {"restartCount", cs.restart_count},
         {"state", to_json(cs.state)},
         {"lastState", cs.last_state ? json{{"terminated", terminated_json(*cs.last_state)}} : json::object()}};
  if (!cs.container_id.empty()) j["containerID"] = cs.container_id;
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

template <class T>
T number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<T>() : T{};
}

bool flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

Result<TerminatedState> parse_terminated(const json& j) {
  auto reason = terminated_reason_named(text(j, "reason"));
  if (!reason) return fail(make_error("unknown terminated reason \"" + text(j, "reason") + "\""));
  return TerminatedState{number<int>(j, "exitCode"), *reason,
                         text(j, "message"),         text(j, "startedAt"),
                         text(j, "finishedAt"),      text(j, "containerID")};
}

Result<ContainerState> parse_state(const json& j) {
  if (auto w = j.find("waiting"); w != j.end() && w->is_object()) {
    auto reason = waiting_reason_named(text(*w, "reason"));
    if (!reason) return fail(make_error("unknown waiting reason \"" + text(*w, "reason") + "\""));
    return WaitingState{*reason, text(*w, "message")};
  }
  if (auto r = j.find("running"); r != j.end() && r->is_object()) return RunningState{text(*r, "startedAt")};
  if (auto t = j.find("terminated"); t != j.end() && t->is_object()) {
    PODCTL_ASSIGN_OR_RETURN(auto terminated, parse_terminated(*t));
    return terminated;
  }
  return fail(make_error("a container state must be waiting, running or terminated"));
}

Result<ContainerStatus> parse_container(const json& j) {
  ContainerStatus cs;
  cs.name = text(j, "name");
  cs.image = text(j, "image");
  cs.image_id = text(j, "imageID");
  cs.container_id = text(j, "containerID");
  cs.ready = flag(j, "ready");
  cs.started = flag(j, "started");
  cs.restart_count = number<int>(j, "restartCount");
  PODCTL_ASSIGN_OR_RETURN(cs.state, parse_state(j.value("state", json::object())));
  if (auto last = j.find("lastState"); last != j.end() && last->contains("terminated")) {
    PODCTL_ASSIGN_OR_RETURN(cs.last_state, parse_terminated((*last)["terminated"]));
  }
  return cs;
}

Result<std::vector<ContainerStatus>> parse_containers(const json& status, const char* key) {
  std::vector<ContainerStatus> out;
  auto it = status.find(key);
  if (it == status.end() || !it->is_array()) return out;
  for (const auto& j : *it) {
    auto cs = parse_container(j);
    if (!cs) return fail(cs.error().wrap(std::string(key) + " " + text(j, "name")));
    out.push_back(std::move(*cs));
  }
  return out;
}

}  // namespace

json to_json(const ContainerState& state) {
  if (const auto* w = std::get_if<WaitingState>(&state)) {
    json j{{"reason", name_of(w->reason)}};
    if (!w->message.empty()) j["message"] = w->message;
    return json{{"waiting", j}};
  }
  if (const auto* r = std::get_if<RunningState>(&state)) return json{{"running", {{"startedAt", r->started_at}}}};
  return json{{"terminated", terminated_json(std::get<TerminatedState>(state))}};
}

json to_json(const PodStatus& status) {
  json conditions = json::array(), containers = json::array(), init_containers = json::array();
  for (const auto& c : status.conditions) {
    json x{{"type", name_of(c.type)},
           {"status", c.status ? "True" : "False"},
           {"lastTransitionTime", c.last_transition_time}};
    if (!c.reason.empty()) x["reason"] = c.reason;
    if (!c.message.empty()) x["message"] = c.message;
    conditions.push_back(x);
  }
  for (const auto& cs : status.containers) containers.push_back(container_json(cs));
  for (const auto& cs : status.init_containers) init_containers.push_back(container_json(cs));
  json j{{"phase", name_of(status.phase)}, {"qosClass", status.qos_class}, {"conditions", conditions}};
  if (!status.reason.empty()) j["reason"] = status.reason;
  if (!status.message.empty()) j["message"] = status.message;
  // A pod that is not on the node yet has no addresses, start time or containers to report.
  if (!status.host_ip.empty()) j["hostIP"] = status.host_ip;
  if (!status.pod_ip.empty()) {
    j["podIP"] = status.pod_ip;
    j["podIPs"] = json::array({json{{"ip", status.pod_ip}}});
  }
  if (!status.start_time.empty()) j["startTime"] = status.start_time;
  if (!containers.empty()) j["containerStatuses"] = containers;
  if (!init_containers.empty()) j["initContainerStatuses"] = init_containers;
  return j;
}

Result<PodStatus> parse_pod_status(const json& status) {
  if (!status.is_object()) return fail(make_error("the status is not an object"));
  PodStatus st;
  auto phase = pod_phase_named(text(status, "phase"));
  if (!phase) return fail(make_error("unknown pod phase \"" + text(status, "phase") + "\""));
  st.phase = *phase;
  st.reason = text(status, "reason");
  st.message = text(status, "message");
  st.host_ip = text(status, "hostIP");
  st.pod_ip = text(status, "podIP");
  st.start_time = text(status, "startTime");
  st.qos_class = text(status, "qosClass");
  if (auto it = status.find("conditions"); it != status.end() && it->is_array())
    for (const auto& c : *it)
      if (auto type = condition_type_named(text(c, "type")))
        st.conditions.push_back({*type, text(c, "status") == "True", text(c, "lastTransitionTime"),
                                 text(c, "reason"), text(c, "message")});
  PODCTL_ASSIGN_OR_RETURN(st.containers, parse_containers(status, "containerStatuses"));
  PODCTL_ASSIGN_OR_RETURN(st.init_containers, parse_containers(status, "initContainerStatuses"));
  return st;
}

}  // namespace podctl
