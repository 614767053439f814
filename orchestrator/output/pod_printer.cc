#include "orchestrator/output/pod_printer.h"

#include <cstdio>

namespace podctl {

using nlohmann::json;

std::string human_duration(int64_t s) {
  auto f = [](const char* fmt, auto... a) {
    char buf[32];
    std::snprintf(buf, sizeof buf, fmt, a...);
    return std::string(buf);
  };
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return f("%llds", (long long)s);
  int64_t minutes = s / 60;
  if (minutes < 10)
    return s % 60 == 0 ? f("%lldm", (long long)minutes) : f("%lldm%llds", (long long)minutes, (long long)(s % 60));
  if (minutes < 180) return f("%lldm", (long long)minutes);
  int64_t hours = s / 3600;
  if (hours < 8)
    return minutes % 60 == 0 ? f("%lldh", (long long)hours)
                             : f("%lldh%lldm", (long long)hours, (long long)(minutes % 60));
  if (hours < 48) return f("%lldh", (long long)hours);
  if (hours < 24 * 8)
    return hours % 24 == 0 ? f("%lldd", (long long)(hours / 24))
                           : f("%lldd%lldh", (long long)(hours / 24), (long long)(hours % 24));
  if (hours < 24 * 365 * 2) return f("%lldd", (long long)(hours / 24));
  if (hours < 24 * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? f("%lldy", (long long)(hours / 24 / 365))
                   : f("%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy);
  }
  return f("%lldy", (long long)(hours / 24 / 365));
}

std::time_t parse_rfc3339(const std::string& text) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return timegm(&tm);
}

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

const json& sub(const json& j, const char* key) {
  static const json kNull;
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() ? *it : kNull;
}

std::string terminated_reason(const json& t, const char* prefix) {
  if (!str(t, "reason").empty()) return prefix + str(t, "reason");
  if (num(t, "signal") != 0) return std::string(prefix) + "Signal:" + std::to_string(num(t, "signal"));
  return std::string(prefix) + "ExitCode:" + std::to_string(num(t, "exitCode"));
}

bool condition_true(const json& status, const char* type) {
  for (const auto& c : sub(status, "conditions"))
    if (str(c, "type") == type) return str(c, "status") == "True";
  return false;
}

}  // namespace

PodRow pod_row(const json& pod, std::time_t now) {
  const json& spec = sub(pod, "spec");
  const json& status = sub(pod, "status");
  const json& meta = sub(pod, "metadata");
  PodRow row;
  row.name = str(meta, "name");
  row.ip = str(status, "podIP").empty() ? "<none>" : str(status, "podIP");

  std::map<std::string, bool> restartable;  // init container name → is a sidecar
  int64_t total = sub(spec, "containers").size();
  for (const auto& c : sub(spec, "initContainers")) {
    bool sidecar = str(c, "restartPolicy") == "Always";
    restartable[str(c, "name")] = sidecar;
    if (sidecar) ++total;
  }
  int64_t ready = 0, restarts = 0, sidecar_restarts = 0;
  std::time_t last_restart = 0, last_sidecar_restart = 0;
  std::string reason = str(status, "reason").empty() ? str(status, "phase") : str(status, "reason");
  if (reason.empty()) reason = "Pending";
  auto note_restart = [&](const json& cs, std::time_t& last) {
    const json& t = sub(sub(cs, "lastState"), "terminated");
    if (!t.is_null()) last = std::max(last, parse_rfc3339(str(t, "finishedAt")));
  };

  bool initializing = false;
  const json& init_statuses = sub(status, "initContainerStatuses");
  size_t n_init = sub(spec, "initContainers").size();
  for (size_t i = 0; i < init_statuses.size(); ++i) {
    const json& cs = init_statuses[i];
    restarts += num(cs, "restartCount");
    note_restart(cs, last_restart);
    bool sidecar = restartable[str(cs, "name")];
    if (sidecar) {
      sidecar_restarts += num(cs, "restartCount");
      note_restart(cs, last_sidecar_restart);
    }
    const json& state = sub(cs, "state");
    const json& term = sub(state, "terminated");
    const json& wait = sub(state, "waiting");
    if (!term.is_null() && num(term, "exitCode") == 0) continue;
    if (sidecar && sub(cs, "started").is_boolean() && sub(cs, "started").get<bool>()) {
      if (sub(cs, "ready").is_boolean() && sub(cs, "ready").get<bool>()) ++ready;
      continue;
    }
    if (!term.is_null())
      reason = terminated_reason(term, "Init:");
    else if (!wait.is_null() && !str(wait, "reason").empty() && str(wait, "reason") != "PodInitializing")
      reason = "Init:" + str(wait, "reason");
    else
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(n_init);
    initializing = true;
    break;
  }
  if (!initializing || condition_true(status, "Initialized")) {
    restarts = sidecar_restarts;
    last_restart = last_sidecar_restart;
    bool has_running = false;
    const json& statuses = sub(status, "containerStatuses");
    for (size_t k = statuses.size(); k-- > 0;) {
      const json& cs = statuses[k];
      restarts += num(cs, "restartCount");
      note_restart(cs, last_restart);
      const json& state = sub(cs, "state");
      const json& term = sub(state, "terminated");
      const json& wait = sub(state, "waiting");
      bool is_ready = sub(cs, "ready").is_boolean() && sub(cs, "ready").get<bool>();
      if (!wait.is_null() && !str(wait, "reason").empty())
        reason = str(wait, "reason");
      else if (!term.is_null())
        reason = terminated_reason(term, "");
      else if (is_ready && !sub(state, "running").is_null()) {
        has_running = true;
        ++ready;
      }
    }
    if (reason == "Completed" && has_running) reason = condition_true(status, "Ready") ? "Running" : "NotReady";
  }
  std::string phase = str(status, "phase");
  if (str(status, "reason") == "Unknown")
    reason = "Unknown";  // the supervisor is gone: nothing is known
  else if (!str(meta, "deletionTimestamp").empty() && phase != "Succeeded" && phase != "Failed")
    reason = "Terminating";

  row.ready = std::to_string(ready) + "/" + std::to_string(total);
  row.status = reason;
  row.restarts = std::to_string(restarts);
  if (restarts != 0 && last_restart > 0) row.restarts += " (" + human_duration(now - last_restart) + " ago)";
  std::time_t created = parse_rfc3339(str(meta, "creationTimestamp"));
  row.age = created < 0 ? "<unknown>" : human_duration(now - created);
  return row;
}

}  // namespace podctl
