// Container checks: env and its sources, probes and hooks, resources, security context.
#include <set>

#include "manifests/names.h"
#include "manifests/pod_resources.h"
#include "manifests/validator.h"

namespace podctl::manifest::detail {
namespace {

std::string amount_text(const std::string& resource, int64_t milli) {
  if (resource == "cpu" && milli % 1000 != 0) return std::to_string(milli) + "m";
  return std::to_string(milli / 1000);
}

}  // namespace

void Validator::port_ref(const std::string& path, const IntOrString& port) {
  if (port.is_string)
    check(path, port.text, check_port_name(port.text));
  else
    range(path, port.number, 1, 65535);
}

void Validator::http_get(const std::string& path, const HttpGetAction& h) {
  port_ref(path + ".port", h.port);
  one_of(path + ".scheme", h.scheme, {"HTTP", "HTTPS"});
  for (size_t i = 0; i < h.http_headers.size(); ++i)
    if (h.http_headers[i].name.empty()) add(idx(path + ".httpHeaders", i) + ".name", "must not be empty");
}

void Validator::handler(const std::string& path, const Handler& h, bool is_probe) {
  int count =
      h.exec.has_value() + h.http_get.has_value() + h.tcp_socket.has_value() + h.grpc.has_value() + h.sleep.has_value();
  const char* kinds = is_probe ? "exec, httpGet, tcpSocket, grpc" : "exec, httpGet, tcpSocket, sleep";
  if (count == 0) add(path, std::string("must specify a handler type: one of ") + kinds);
  if (count > 1) add(path, std::string("may not specify more than 1 handler type: one of ") + kinds);
  if (h.exec && h.exec->command.empty()) add(path + ".exec.command", "required value");
  if (h.http_get) http_get(path + ".httpGet", *h.http_get);
  if (h.tcp_socket) port_ref(path + ".tcpSocket.port", h.tcp_socket->port);
  if (h.grpc) range(path + ".grpc.port", h.grpc->port, 1, 65535);
  if (h.sleep) non_negative(path + ".sleep.seconds", h.sleep->seconds);
}

void Validator::probe(const std::string& path, const std::optional<Probe>& p, bool must_succeed_once) {
  if (!p) return;
  handler(path, p->handler, true);
  non_negative(path + ".initialDelaySeconds", p->initial_delay_seconds);
  range(path + ".timeoutSeconds", p->timeout_seconds, 1, INT32_MAX);
  range(path + ".periodSeconds", p->period_seconds, 1, INT32_MAX);
  range(path + ".failureThreshold", p->failure_threshold, 1, INT32_MAX);
  range(path + ".successThreshold", p->success_threshold, 1, INT32_MAX);
  if (must_succeed_once && p->success_threshold != 1) add(path + ".successThreshold", "must be 1");
  if (p->termination_grace_period_seconds) {
    if (!must_succeed_once)
      add(path + ".terminationGracePeriodSeconds", "may only be set on liveness and startup probes");
    else
      range(path + ".terminationGracePeriodSeconds", *p->termination_grace_period_seconds, 1, INT64_MAX);
  }
}

void Validator::env(const std::string& path, const Container& c) {
  for (size_t i = 0; i < c.env.size(); ++i) {
    const auto& e = c.env[i];
    std::string p = idx(path + ".env", i);
    check(p + ".name", e.name, check_env_var_name(e.name));
    if (!e.value_from) continue;
    if (!e.value.empty()) add(p + ".valueFrom", "may not be specified when `value` is not empty");
    const auto& s = *e.value_from;
    int n = s.field_ref.has_value() + s.resource_field_ref.has_value() + s.config_map_key_ref.has_value() +
            s.secret_key_ref.has_value();
    if (n != 1)
      add(p + ".valueFrom",
          "must specify exactly one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
    if (s.field_ref) field_ref(p + ".valueFrom.fieldRef", *s.field_ref, true);
    if (s.resource_field_ref) resource_field_ref(p + ".valueFrom.resourceFieldRef", *s.resource_field_ref);
    for (const auto* ref : {&s.config_map_key_ref, &s.secret_key_ref}) {
      if (!*ref) continue;
      std::string rp = p + ".valueFrom." + (ref == &s.config_map_key_ref ? "configMapKeyRef" : "secretKeyRef");
      check(rp + ".name", (*ref)->name, check_dns1123_subdomain((*ref)->name));
      check(rp + ".key", (*ref)->key, check_config_key((*ref)->key));
    }
  }
  for (size_t i = 0; i < c.env_from.size(); ++i) {
    const auto& e = c.env_from[i];
    std::string p = idx(path + ".envFrom", i);
    if (e.config_map_ref.has_value() == e.secret_ref.has_value())
      add(p, "must specify exactly one of: `configMapRef` or `secretRef`");
    for (const auto* ref : {&e.config_map_ref, &e.secret_ref})
      if (*ref)
        check(p + (ref == &e.config_map_ref ? ".configMapRef" : ".secretRef") + ".name", (*ref)->name,
              check_dns1123_subdomain((*ref)->name));
  }
}

void Validator::field_ref(const std::string& path, const FieldRef& f, bool for_env) {
  if (f.api_version != "v1") add(path + ".apiVersion", "unsupported value " + quoted(f.api_version) + ": use \"v1\"");
  static const std::set<std::string> kEnv = {
      "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
      "status.hostIP", "status.hostIPs",     "status.podIP", "status.podIPs"};
  static const std::set<std::string> kVolume = {"metadata.name", "metadata.namespace", "metadata.uid",
                                                "metadata.labels", "metadata.annotations"};
  const std::string& fp = f.field_path;
  bool keyed = (fp.rfind("metadata.labels['", 0) == 0 || fp.rfind("metadata.annotations['", 0) == 0) && fp.size() > 2 &&
               fp.substr(fp.size() - 2) == "']";
  if (keyed || (for_env ? kEnv : kVolume).count(fp)) return;
  std::string list;
  for (const auto& s : for_env ? kEnv : kVolume) list += (list.empty() ? "" : ", ") + quoted(s);
  add(path + ".fieldPath", "unsupported value " + quoted(fp) + ": supported values: " + list +
                               ", metadata.labels['<KEY>'], metadata.annotations['<KEY>']");
}

void Validator::resource_field_ref(const std::string& path, const ResourceFieldRef& ref) {
  one_of(path + ".resource", ref.resource, {"limits.cpu", "limits.memory", "requests.cpu", "requests.memory"});
  if (ref.divisor && ref.divisor->milli <= 0) add(path + ".divisor", quoted(ref.divisor->text) + ": must be positive");
}

void Validator::resources(const std::string& path, const ResourceRequirements& r, bool pod_level) {
  for (const auto* m : {&r.limits, &r.requests}) {
    std::string p = path + (m == &r.limits ? ".limits" : ".requests");
    for (const auto& [name, q] : *m) {
      bool extended = !pod_level && is_extended_resource(name);
      if (name != "cpu" && name != "memory" && !extended) {
        if (pod_level)
          add(p + "." + name, "resource " + quoted(name) + " is not supported at pod level (supported: cpu, memory)");
        else
          add(p + "." + name, name == "ephemeral-storage" || name.rfind("hugepages-", 0) == 0
                                  ? "resource " + quoted(name) + " is not supported by podctl (supported: cpu, memory)"
                                  : "unknown resource name " + quoted(name) +
                                        " (supported: cpu, memory, and extended resources such as example.com/dongle)");
      }
      if (q.milli < 0) add(p + "." + name, quoted(q.text) + ": must be greater than or equal to 0");
      // Checked on the limit, which a request of an extended resource must equal (or is defaulted to).
      if (extended && m == &r.limits && q.milli % 1000 != 0) add(p + "." + name, quoted(q.text) + ": must be an integer");
    }
  }
  for (const auto& [name, req] : r.requests) {
    auto lim = r.limits.find(name);
    bool extended = !pod_level && is_extended_resource(name);
    if (extended && lim == r.limits.end())
      add(path + ".limits", "Limit must be set for non overcommitable resources (" + name + ")");
    if (extended && lim != r.limits.end() && req.milli != lim->second.milli)
      add(path + ".requests." + name, quoted(req.text) + ": must be equal to " + name + " limit of " + lim->second.text);
    else if (lim != r.limits.end() && req.milli > lim->second.milli)
      add(path + ".requests." + name,
          quoted(req.text) + ": must be less than or equal to " + name + " limit of " + lim->second.text);
  }
}

// Pod-level resources hold the containers: they ask for at least what the containers ask for
// together, and no container may be limited beyond the pod.
void Validator::pod_resources(const Pod& pod) {
  const ResourceRequirements& r = *pod.spec.resources;
  resources("spec.resources", r, true);
  ResourceAmounts aggregate = aggregate_container_requests(pod.spec);
  ResourceAmounts requested = pod_requests(pod.spec);
  for (const char* name : {"cpu", "memory"}) {
    bool set = r.requests.count(name) || r.limits.count(name);
    if (set && requested[name] < aggregate[name])
      add(std::string("spec.resources.") + (r.requests.count(name) ? "requests." : "limits.") + name,
          "must be greater than or equal to aggregate container requests of " + amount_text(name, aggregate[name]));
    auto pod_limit = r.limits.find(name);
    if (pod_limit == r.limits.end()) continue;
    auto each = [&](const std::vector<Container>& list, const std::string& list_path) {
      for (size_t i = 0; i < list.size(); ++i) {
        auto limit = list[i].resources.limits.find(name);
        if (limit != list[i].resources.limits.end() && limit->second.milli > pod_limit->second.milli)
          add(idx(list_path, i) + ".resources.limits." + name,
              quoted(limit->second.text) + ": must be less than or equal to pod limits of " + pod_limit->second.text);
      }
    };
    each(pod.spec.init_containers, "spec.initContainers");
    each(pod.spec.containers, "spec.containers");
  }
}

// The API server's rules (validateSeccompProfileField): a known type; localhostProfile
// required for Localhost and forbidden otherwise; here also a relative path that stays in the
// root's seccomp/ directory.
void Validator::seccomp_profile(const std::string& path, const std::optional<SeccompProfileRef>& p) {
  if (!p) return;
  if (p->type != "RuntimeDefault" && p->type != "Unconfined" && p->type != "Localhost")
    add(path + ".type", "Unsupported value: " + quoted(p->type) +
                            ": supported values: \"Localhost\", "
                            "\"RuntimeDefault\", \"Unconfined\"");
  if (p->type == "Localhost" && p->localhost_profile.empty())
    add(path + ".localhostProfile", "Required value: must be set when seccomp type is Localhost");
  if (p->type != "Localhost" && !p->localhost_profile.empty())
    add(path + ".localhostProfile",
        "Invalid value: " + quoted(p->localhost_profile) + ": can only be set when seccomp type is Localhost");
  if (p->type == "Localhost" && !p->localhost_profile.empty()) {
    const std::string& l = p->localhost_profile;
    bool dotdot = l == ".." || l.rfind("../", 0) == 0 || l.find("/../") != std::string::npos ||
                  (l.size() >= 3 && l.compare(l.size() - 3, 3, "/..") == 0);
    if (l.front() == '/' || dotdot)
      add(path + ".localhostProfile", "Invalid value: " + quoted(l) +
                                          ": must be a relative path without '..' "
                                          "(under the root's seccomp/ directory)");
  }
}

void Validator::security_context(const std::string& path, const ContainerSecurityContext& sc) {
  seccomp_profile(path + ".seccompProfile", sc.seccomp_profile);
  if (sc.run_as_user) range(path + ".runAsUser", *sc.run_as_user, 0, INT32_MAX);
  if (sc.run_as_group) range(path + ".runAsGroup", *sc.run_as_group, 0, INT32_MAX);
  if (sc.privileged.value_or(false) && sc.allow_privilege_escalation && !*sc.allow_privilege_escalation)
    add(path, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true");
  if (sc.capabilities) {
    for (const auto* list : {&sc.capabilities->add, &sc.capabilities->drop})
      for (size_t i = 0; i < list->size(); ++i)
        capability(idx(path + ".capabilities." + (list == &sc.capabilities->add ? "add" : "drop"), i), (*list)[i]);
  }
}

void Validator::capability(const std::string& path, const std::string& name) {
  static const std::set<std::string> kCaps = {"ALL",
                                              "AUDIT_CONTROL",
                                              "AUDIT_READ",
                                              "AUDIT_WRITE",
                                              "BLOCK_SUSPEND",
                                              "BPF",
                                              "CHECKPOINT_RESTORE",
                                              "CHOWN",
                                              "DAC_OVERRIDE",
                                              "DAC_READ_SEARCH",
                                              "FOWNER",
                                              "FSETID",
                                              "IPC_LOCK",
                                              "IPC_OWNER",
                                              "KILL",
                                              "LEASE",
                                              "LINUX_IMMUTABLE",
                                              "MAC_ADMIN",
                                              "MAC_OVERRIDE",
                                              "MKNOD",
                                              "NET_ADMIN",
                                              "NET_BIND_SERVICE",
                                              "NET_BROADCAST",
                                              "NET_RAW",
                                              "PERFMON",
                                              "SETFCAP",
                                              "SETGID",
                                              "SETPCAP",
                                              "SETUID",
                                              "SYS_ADMIN",
                                              "SYS_BOOT",
                                              "SYS_CHROOT",
                                              "SYS_MODULE",
                                              "SYS_NICE",
                                              "SYS_PACCT",
                                              "SYS_PTRACE",
                                              "SYS_RAWIO",
                                              "SYS_RESOURCE",
                                              "SYS_TIME",
                                              "SYS_TTY_CONFIG",
                                              "SYSLOG",
                                              "WAKE_ALARM"};
  std::string n = name.rfind("CAP_", 0) == 0 ? name.substr(4) : name;
  if (!kCaps.count(n)) add(path, "unknown capability " + quoted(name) + " (write it as in NET_ADMIN)");
}

void Validator::container(const std::string& path, const Container& c, const Pod& pod, bool is_init,
                          std::map<std::string, std::string>& host_ports) {
  std::set<std::string> volume_names;
  for (const auto& v : pod.spec.volumes) volume_names.insert(v.name);
  if (c.image.empty())
    add(path + ".image", "required value");
  else if (c.image.front() == ' ' || c.image.back() == ' ')
    add(path + ".image", quoted(c.image) + ": must not have leading or trailing whitespace");
  one_of(path + ".imagePullPolicy", c.image_pull_policy, {"Always", "IfNotPresent", "Never"});
  std::set<std::string> port_names;
  for (size_t i = 0; i < c.ports.size(); ++i) {
    const auto& p = c.ports[i];
    std::string pp = idx(path + ".ports", i);
    if (!p.name.empty()) {
      check(pp + ".name", p.name, check_port_name(p.name));
      if (!port_names.insert(p.name).second) add(pp + ".name", quoted(p.name) + ": duplicate port name");
    }
    range(pp + ".containerPort", p.container_port, 1, 65535);
    if (p.host_port != 0) range(pp + ".hostPort", p.host_port, 1, 65535);
    one_of(pp + ".protocol", p.protocol, {"TCP", "UDP", "SCTP"});
    if (!p.host_ip.empty()) check(pp + ".hostIP", p.host_ip, check_ip(p.host_ip));
    if (p.host_port != 0) {
      std::string key = std::to_string(p.host_port) + "/" + p.protocol + "/" + p.host_ip;
      auto [it, fresh] = host_ports.emplace(key, pp);
      if (!fresh)
        add(pp + ".hostPort", std::to_string(p.host_port) + "/" + p.protocol + ": already used by " + it->second);
    }
  }
  env(path, c);
  resources(path + ".resources", c.resources, false);
  std::set<std::string> mount_paths;
  for (size_t i = 0; i < c.volume_mounts.size(); ++i) {
    const auto& m = c.volume_mounts[i];
    std::string mp = idx(path + ".volumeMounts", i);
    if (!volume_names.count(m.name))
      add(mp + ".name", "volume " + quoted(m.name) + " not found: it must be listed in spec.volumes");
    if (!mount_paths.insert(m.mount_path).second) add(mp + ".mountPath", quoted(m.mount_path) + ": must be unique");
    if (!m.sub_path.empty()) relative_path(mp + ".subPath", m.sub_path);
  }
  one_of(path + ".terminationMessagePolicy", c.termination_message_policy, {"File", "FallbackToLogsOnError"});
  const std::string& tm = c.termination_message_path;
  if (tm.empty() || tm.front() != '/')
    add(path + ".terminationMessagePath", quoted(tm) + ": must be an absolute path");
  else if ((tm + "/").find("/../") != std::string::npos)
    add(path + ".terminationMessagePath", quoted(tm) + ": must not contain '..'");
  if (mount_paths.count(tm))
    add(path + ".terminationMessagePath", quoted(tm) + ": must not be the mountPath of a volume");
  bool sidecar = is_init && c.restart_policy == "Always";
  if (c.restart_policy) {
    if (!is_init)
      add(path + ".restartPolicy", "may only be set on init containers (\"Always\" makes a sidecar)");
    else
      one_of(path + ".restartPolicy", *c.restart_policy, {"Always"});
  }
  if (is_init && !sidecar) {
    for (auto [name, probe] : {std::pair{"livenessProbe", &c.liveness_probe},
                               {"readinessProbe", &c.readiness_probe},
                               {"startupProbe", &c.startup_probe}})
      if (*probe) add(path + "." + name, "may not be set for init containers without restartPolicy=Always");
    if (c.lifecycle) add(path + ".lifecycle", "may not be set for init containers without restartPolicy=Always");
  }
  probe(path + ".livenessProbe", c.liveness_probe, true);
  probe(path + ".readinessProbe", c.readiness_probe, false);
  probe(path + ".startupProbe", c.startup_probe, true);
  if (c.lifecycle) {
    if (c.lifecycle->post_start) handler(path + ".lifecycle.postStart", *c.lifecycle->post_start, false);
    if (c.lifecycle->pre_stop) handler(path + ".lifecycle.preStop", *c.lifecycle->pre_stop, false);
  }
  if (c.security_context) security_context(path + ".securityContext", *c.security_context);
}

}  // namespace podctl::manifest::detail
