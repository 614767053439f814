#include "manifests/serialize.h"

#include <cstdio>

#include "base/base64.h"
#include "base/fnv1a.h"
#include "manifests/serialize_internal.h"

namespace podctl::manifest {
namespace {

using detail::put;
using detail::put_list;
using nlohmann::json;

json int_or_string(const IntOrString& v) { return v.is_string ? json(v.text) : json(v.number); }

json http_get(const HttpGetAction& h) {
  json j;
  put(j, "host", h.host);
  put(j, "path", h.path);
  j["port"] = int_or_string(h.port);
  put(j, "scheme", h.scheme);
  put_list(j, "httpHeaders", h.http_headers, [](const HttpHeader& x) {
    return json{{"name", x.name}, {"value", x.value}};
  });
  return j;
}

json handler(const Handler& h) {
  json j = json::object();
  if (h.exec) j["exec"] = {{"command", h.exec->command}};
  if (h.http_get) j["httpGet"] = http_get(*h.http_get);
  if (h.tcp_socket) {
    json t{{"port", int_or_string(h.tcp_socket->port)}};
    put(t, "host", h.tcp_socket->host);
    j["tcpSocket"] = t;
  }
  if (h.grpc) {
    json g{{"port", h.grpc->port}};
    put(g, "service", h.grpc->service);
    j["grpc"] = g;
  }
  if (h.sleep) j["sleep"] = {{"seconds", h.sleep->seconds}};
  return j;
}

json probe(const Probe& p) {
  json j = handler(p.handler);
  j["initialDelaySeconds"] = p.initial_delay_seconds;
  j["timeoutSeconds"] = p.timeout_seconds;
  j["periodSeconds"] = p.period_seconds;
  j["successThreshold"] = p.success_threshold;
  j["failureThreshold"] = p.failure_threshold;
  put(j, "terminationGracePeriodSeconds", p.termination_grace_period_seconds);
  return j;
}

json key_ref(const KeyRef& k) {
  json j{{"name", k.name}, {"key", k.key}};
  put(j, "optional", k.optional);
  return j;
}

json object_ref(const ObjectRef& o) {
  json j{{"name", o.name}};
  put(j, "optional", o.optional);
  return j;
}

json field_ref(const FieldRef& f) { return json{{"apiVersion", f.api_version}, {"fieldPath", f.field_path}}; }

json resource_field_ref(const ResourceFieldRef& ref) {
  json r{{"resource", ref.resource}};
  put(r, "containerName", ref.container_name);
  if (ref.divisor) r["divisor"] = ref.divisor->text;
  return r;
}

json env_var(const EnvVar& e) {
  json j{{"name", e.name}};
  if (!e.value_from) {
    put(j, "value", e.value);
    return j;
  }
  json s = json::object();
  const auto& src = *e.value_from;
  if (src.field_ref) s["fieldRef"] = field_ref(*src.field_ref);
  if (src.resource_field_ref) s["resourceFieldRef"] = resource_field_ref(*src.resource_field_ref);
  if (src.config_map_key_ref) s["configMapKeyRef"] = key_ref(*src.config_map_key_ref);
  if (src.secret_key_ref) s["secretKeyRef"] = key_ref(*src.secret_key_ref);
  j["valueFrom"] = s;
  return j;
}

json quantities(const std::map<std::string, Quantity>& m) {
  json j = json::object();
  for (const auto& [k, q] : m) j[k] = q.text;
  return j;
}

json resources(const ResourceRequirements& r) {
  json res = json::object();
  if (!r.limits.empty()) res["limits"] = quantities(r.limits);
  if (!r.requests.empty()) res["requests"] = quantities(r.requests);
  return res;
}

void put_seccomp(json& j, const std::optional<SeccompProfileRef>& p) {
  if (!p) return;
  json s{{"type", p->type}};
  if (!p->localhost_profile.empty()) s["localhostProfile"] = p->localhost_profile;
  j["seccompProfile"] = s;
}

json security_context(const ContainerSecurityContext& sc) {
  json j = json::object();
  put(j, "runAsUser", sc.run_as_user);
  put(j, "runAsGroup", sc.run_as_group);
  put(j, "runAsNonRoot", sc.run_as_non_root);
  put(j, "privileged", sc.privileged);
  put(j, "readOnlyRootFilesystem", sc.read_only_root_filesystem);
  put(j, "allowPrivilegeEscalation", sc.allow_privilege_escalation);
  if (sc.capabilities) {
    json c = json::object();
    if (!sc.capabilities->add.empty()) c["add"] = sc.capabilities->add;
    if (!sc.capabilities->drop.empty()) c["drop"] = sc.capabilities->drop;
    j["capabilities"] = c;
  }
  put_seccomp(j, sc.seccomp_profile);
  return j;
}

json key_to_path(const KeyToPath& k) {
  json j{{"key", k.key}, {"path", k.path}};
  put(j, "mode", k.mode);
  return j;
}

// A configMap or secret source; `name_key` is "secretName" for a secret volume, "name" elsewhere.
json key_source(const ConfigMapVolumeSource& src, const char* name_key) {
  json c{{name_key, src.name}};
  put_list(c, "items", src.items, key_to_path);
  put(c, "optional", src.optional);
  return c;
}

json downward_items(const DownwardApiSource& d) {
  json j = json::object();
  put_list(j, "items", d.items, [](const DownwardApiFile& f) {
    json x{{"path", f.path}};
    if (f.field_ref) x["fieldRef"] = field_ref(*f.field_ref);
    if (f.resource_field_ref) x["resourceFieldRef"] = resource_field_ref(*f.resource_field_ref);
    put(x, "mode", f.mode);
    return x;
  });
  return j;
}

json volume(const Volume& v) {
  if (v.persistent_volume_claim) {
    json c{{"claimName", v.persistent_volume_claim->claim_name}};
    if (v.persistent_volume_claim->read_only) c["readOnly"] = true;
    return json{{"name", v.name}, {"persistentVolumeClaim", c}};
  }
  json j{{"name", v.name}};
  if (v.empty_dir) {
    json e = json::object();
    put(e, "medium", v.empty_dir->medium);
    if (v.empty_dir->size_limit) e["sizeLimit"] = v.empty_dir->size_limit->text;
    j["emptyDir"] = e;
  }
  if (v.host_path) {
    json h{{"path", v.host_path->path}};
    put(h, "type", v.host_path->type);
    j["hostPath"] = h;
  }
  for (const auto* src : {&v.config_map, &v.secret}) {
    if (!*src) continue;
    json c = key_source(**src, src == &v.config_map ? "name" : "secretName");
    c["defaultMode"] = (*src)->default_mode;
    j[src == &v.config_map ? "configMap" : "secret"] = c;
  }
  if (v.downward_api) {
    json d = downward_items(*v.downward_api);
    d["defaultMode"] = v.downward_api->default_mode;
    j["downwardAPI"] = d;
  }
  if (v.projected) {
    json p{{"defaultMode", v.projected->default_mode}};
    put_list(p, "sources", v.projected->sources, [](const VolumeProjection& one) {
      json x = json::object();
      if (one.config_map) x["configMap"] = key_source(*one.config_map, "name");
      if (one.secret) x["secret"] = key_source(*one.secret, "name");
      if (one.downward_api) x["downwardAPI"] = downward_items(*one.downward_api);
      return x;
    });
    j["projected"] = p;
  }
  return j;
}

std::string hash_text(const std::string& text) {
  uint64_t h = fnv1a64(text);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

json to_json(const ObjectMeta& m) {
  json j{{"name", m.name}, {"namespace", m.namespace_}};
  if (!m.labels.empty()) j["labels"] = m.labels;
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  put_list(j, "ownerReferences", m.owner_references, [](const OwnerReference& o) {
    json x{{"apiVersion", o.api_version}, {"kind", o.kind}, {"name", o.name}, {"uid", o.uid}};
    if (o.controller) x["controller"] = true;
    if (o.block_owner_deletion) x["blockOwnerDeletion"] = true;
    return x;
  });
  return j;
}

json to_json(const Container& c) {
  json j{{"name", c.name}, {"image", c.image}};
  put(j, "imagePullPolicy", c.image_pull_policy);
  if (!c.command.empty()) j["command"] = c.command;
  if (!c.args.empty()) j["args"] = c.args;
  put(j, "workingDir", c.working_dir);
  put_list(j, "ports", c.ports, [](const ContainerPort& p) {
    json x{{"containerPort", p.container_port}, {"protocol", p.protocol}};
    put(x, "name", p.name);
    if (p.host_port) x["hostPort"] = p.host_port;
    put(x, "hostIP", p.host_ip);
    return x;
  });
  put_list(j, "env", c.env, env_var);
  put_list(j, "envFrom", c.env_from, [](const EnvFromSource& e) {
    json x = json::object();
    put(x, "prefix", e.prefix);
    if (e.config_map_ref) x["configMapRef"] = object_ref(*e.config_map_ref);
    if (e.secret_ref) x["secretRef"] = object_ref(*e.secret_ref);
    return x;
  });
  j["resources"] = resources(c.resources);
  put_list(j, "volumeMounts", c.volume_mounts, [](const VolumeMount& m) {
    json x{{"name", m.name}, {"mountPath", m.mount_path}};
    put(x, "subPath", m.sub_path);
    if (m.read_only) x["readOnly"] = true;
    return x;
  });
  if (c.liveness_probe) j["livenessProbe"] = probe(*c.liveness_probe);
  if (c.readiness_probe) j["readinessProbe"] = probe(*c.readiness_probe);
  if (c.startup_probe) j["startupProbe"] = probe(*c.startup_probe);
  if (c.lifecycle) {
    json l = json::object();
    if (c.lifecycle->post_start) l["postStart"] = handler(*c.lifecycle->post_start);
    if (c.lifecycle->pre_stop) l["preStop"] = handler(*c.lifecycle->pre_stop);
    j["lifecycle"] = l;
  }
  if (c.security_context) j["securityContext"] = security_context(*c.security_context);
  put(j, "restartPolicy", c.restart_policy);
  put(j, "terminationMessagePath", c.termination_message_path);
  put(j, "terminationMessagePolicy", c.termination_message_policy);
  if (c.stdin) j["stdin"] = true;
  if (c.tty) j["tty"] = true;
  return j;
}

json to_json(const Pod& pod) {
  const auto& s = pod.spec;
  json spec = json::object();
  put_list(spec, "initContainers", s.init_containers, [](const Container& c) { return to_json(c); });
  put_list(spec, "containers", s.containers, [](const Container& c) { return to_json(c); });
  put_list(spec, "volumes", s.volumes, volume);
  spec["restartPolicy"] = s.restart_policy;
  spec["terminationGracePeriodSeconds"] = s.termination_grace_period_seconds;
  spec["dnsPolicy"] = s.dns_policy;
  put(spec, "hostname", s.hostname);
  put(spec, "subdomain", s.subdomain);
  put_list(spec, "hostAliases", s.host_aliases, [](const HostAlias& a) {
    return json{{"ip", a.ip}, {"hostnames", a.hostnames}};
  });
  put(spec, "shareProcessNamespace", s.share_process_namespace);
  put(spec, "enableServiceLinks", s.enable_service_links);
  put(spec, "serviceAccountName", s.service_account_name);
  if (s.resources) spec["resources"] = resources(*s.resources);
  put_scheduling(spec, s);
  json sc = json::object();
  put(sc, "runAsUser", s.security_context.run_as_user);
  put(sc, "runAsGroup", s.security_context.run_as_group);
  put(sc, "runAsNonRoot", s.security_context.run_as_non_root);
  if (!s.security_context.supplemental_groups.empty())
    sc["supplementalGroups"] = s.security_context.supplemental_groups;
  put(sc, "fsGroup", s.security_context.fs_group);
  put_seccomp(sc, s.security_context.seccomp_profile);
  spec["securityContext"] = sc;
  return json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", to_json(pod.metadata)}, {"spec", spec}};
}

json to_json(const Namespace& n) {
  json meta = to_json(n.metadata);
  meta.erase("namespace");
  return json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", meta}};
}

json to_json(const PersistentVolumeClaim& c) {
  json spec{{"accessModes", c.access_modes}, {"volumeMode", c.volume_mode}};
  if (c.storage) spec["resources"] = {{"requests", {{"storage", c.storage->text}}}};
  if (c.storage_class_name) spec["storageClassName"] = *c.storage_class_name;
  return json{{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata", to_json(c.metadata)},
              {"spec", spec}};
}

json to_json(const ConfigMap& cm) {
  json j{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", to_json(cm.metadata)}};
  if (!cm.data.empty()) j["data"] = cm.data;
  if (!cm.binary_data.empty()) j["binaryData"] = cm.binary_data;
  put(j, "immutable", cm.immutable);
  return j;
}

json to_json(const Secret& secret) {
  json j{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", to_json(secret.metadata)}, {"type", secret.type}};
  std::map<std::string, std::string> data = secret.data;
  for (const auto& [k, v] : secret.string_data) data[k] = base64_encode(v);
  if (!data.empty()) j["data"] = data;
  put(j, "immutable", secret.immutable);
  return j;
}

std::string container_hash(const Container& c) { return hash_text(to_json(c).dump()); }
std::string pod_hash(const Pod& pod) { return hash_text(to_json(pod).dump()); }

std::string pod_level_hash(const Pod& pod) {
  json j = to_json(pod);
  // Published ports are the pod's (its NAT mappings and reservations): changing one replaces it.
  for (auto& c : j["spec"]["containers"]) {
    json published = json::array();
    for (const auto& p : c.value("ports", json::array()))
      if (p.contains("hostPort")) published.push_back(p);
    c = json{{"name", c["name"]}, {"published", published}};
  }
  return hash_text(j.dump());
}

}  // namespace podctl::manifest
