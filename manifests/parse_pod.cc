#include <functional>

#include "manifests/parse.h"
#include "manifests/parse_internal.h"

namespace podctl::manifest {
namespace {

using Item = std::function<void(const YAML::Node&, const std::string&)>;

// Reads a list of objects, each with `fn`, into `out`.
template <class T>
void read_object_list(ParseContext& ctx, MapReader& r, const char* key, std::vector<T>& out,
                      const std::function<void(MapReader&, T&)>& fn) {
  r.list(key, [&](const YAML::Node& node, const std::string& path) {
    MapReader item(ctx, node, path);
    T value{};
    fn(item, value);
    item.finish();
    out.push_back(std::move(value));
  });
}

void read_quantity(ParseContext& ctx, const YAML::Node& node, const std::string& path, std::optional<Quantity>& out) {
  ctx.record(path, node);
  auto kind = scalar_kind(node);
  if (!node.IsScalar() || (kind != ScalarKind::String && kind != ScalarKind::Int && kind != ScalarKind::Float)) {
    ctx.error(node, path, std::string("must be a quantity such as \"500m\" or \"128Mi\", not ") + kind_name(node));
    return;
  }
  std::string why;
  auto q = parse_quantity(node.Scalar(), &why);
  if (!q) {
    ctx.error(node, path, "\"" + node.Scalar() + "\": " + why);
    return;
  }
  out = *q;
}

void read_quantity_map(ParseContext& ctx, MapReader& r, const char* key, std::map<std::string, Quantity>& out) {
  const YAML::Node* v = r.take(key);
  if (!v) return;
  MapReader m(ctx, *v, r.child(key));
  if (!v->IsMap()) return;
  for (auto it = v->begin(); it != v->end(); ++it) {
    std::string name = it->first.Scalar();
    std::optional<Quantity> q;
    if (const YAML::Node* value = m.take(name.c_str())) read_quantity(ctx, *value, m.child(name), q);
    if (q) out[name] = *q;
  }
}

void read_resources(ParseContext& ctx, MapReader& r, ResourceRequirements& out) {
  read_quantity_map(ctx, r, "limits", out.limits);
  read_quantity_map(ctx, r, "requests", out.requests);
  r.unsupported({"claims"});
}

void read_exec(ParseContext&, MapReader& r, ExecAction& out) { r.string_list("command", out.command); }

void read_http_get(ParseContext& ctx, MapReader& r, HttpGetAction& out) {
  r.string("host", out.host);
  r.string("path", out.path);
  r.int_or_string("port", out.port, true);
  r.string("scheme", out.scheme);
  read_object_list<HttpHeader>(ctx, r, "httpHeaders", out.http_headers, [](MapReader& h, HttpHeader& v) {
    h.string("name", v.name, true);
    h.string("value", v.value, true);
  });
}

void read_tcp_socket(MapReader& r, TcpSocketAction& out) {
  r.string("host", out.host);
  r.int_or_string("port", out.port, true);
}

void read_handler(ParseContext& ctx, MapReader& r, Handler& h, bool is_probe) {
  r.object("exec", [&](MapReader& m) { read_exec(ctx, m, h.exec.emplace()); });
  r.object("httpGet", [&](MapReader& m) { read_http_get(ctx, m, h.http_get.emplace()); });
  r.object("tcpSocket", [&](MapReader& m) { read_tcp_socket(m, h.tcp_socket.emplace()); });
  if (is_probe) {
    r.object("grpc", [&](MapReader& m) {
      auto& g = h.grpc.emplace();
      m.integer("port", g.port, true);
      m.string("service", g.service);
    });
  } else {
    r.object("sleep", [&](MapReader& m) { m.integer("seconds", h.sleep.emplace().seconds, true); });
  }
}

void read_probe(ParseContext& ctx, MapReader& r, const char* key, std::optional<Probe>& out) {
  r.object(key, [&](MapReader& m) {
    Probe& p = out.emplace();
    read_handler(ctx, m, p.handler, true);
    std::optional<int64_t> v;
    if (m.integer("initialDelaySeconds", v)) p.initial_delay_seconds = *v;
    if (m.integer("timeoutSeconds", v)) p.timeout_seconds = *v;
    if (m.integer("periodSeconds", v)) p.period_seconds = *v;
    if (m.integer("successThreshold", v)) p.success_threshold = *v;
    if (m.integer("failureThreshold", v)) p.failure_threshold = *v;
    m.integer("terminationGracePeriodSeconds", p.termination_grace_period_seconds);
  });
}

void read_key_ref(MapReader& m, KeyRef& k) {
  m.string("name", k.name, true);
  m.string("key", k.key, true);
  m.boolean("optional", k.optional);
}

void read_field_ref(MapReader& m, FieldRef& f) {
  m.string("apiVersion", f.api_version);
  m.string("fieldPath", f.field_path, true);
}

void read_resource_field_ref(ParseContext& ctx, MapReader& f, ResourceFieldRef& rf) {
  f.string("containerName", rf.container_name);
  f.string("resource", rf.resource, true);
  if (const YAML::Node* d = f.take("divisor")) read_quantity(ctx, *d, f.child("divisor"), rf.divisor);
}

void read_env(ParseContext& ctx, MapReader& r, Container& c) {
  read_object_list<EnvVar>(ctx, r, "env", c.env, [&](MapReader& m, EnvVar& e) {
    m.string("name", e.name, true);
    m.string("value", e.value);
    m.object("valueFrom", [&](MapReader& s) {
      auto& src = e.value_from.emplace();
      s.object("fieldRef", [&](MapReader& f) { read_field_ref(f, src.field_ref.emplace()); });
      s.object("resourceFieldRef", [&](MapReader& f) { read_resource_field_ref(ctx, f, src.resource_field_ref.emplace()); });
      s.object("configMapKeyRef", [&](MapReader& f) { read_key_ref(f, src.config_map_key_ref.emplace()); });
      s.object("secretKeyRef", [&](MapReader& f) { read_key_ref(f, src.secret_key_ref.emplace()); });
      s.unsupported({"fileKeyRef"});
    });
  });
  read_object_list<EnvFromSource>(ctx, r, "envFrom", c.env_from, [&](MapReader& m, EnvFromSource& e) {
    m.string("prefix", e.prefix);
    auto ref = [](MapReader& f, ObjectRef& o) {
      f.string("name", o.name, true);
      f.boolean("optional", o.optional);
    };
    m.object("configMapRef", [&](MapReader& f) { ref(f, e.config_map_ref.emplace()); });
    m.object("secretRef", [&](MapReader& f) { ref(f, e.secret_ref.emplace()); });
  });
}

void read_seccomp_profile(MapReader& r, std::optional<SeccompProfileRef>& out) {
  r.object("seccompProfile", [&](MapReader& m) {
    auto& p = out.emplace();
    m.string("type", p.type, true);
    m.string("localhostProfile", p.localhost_profile);
  });
}

void read_security_context(MapReader& r, std::optional<ContainerSecurityContext>& out) {
  r.object("securityContext", [&](MapReader& m) {
    auto& sc = out.emplace();
    m.integer("runAsUser", sc.run_as_user);
    m.integer("runAsGroup", sc.run_as_group);
    m.boolean("runAsNonRoot", sc.run_as_non_root);
    m.boolean("privileged", sc.privileged);
    m.boolean("readOnlyRootFilesystem", sc.read_only_root_filesystem);
    m.boolean("allowPrivilegeEscalation", sc.allow_privilege_escalation);
    m.object("capabilities", [&](MapReader& c) {
      auto& caps = sc.capabilities.emplace();
      c.string_list("add", caps.add);
      c.string_list("drop", caps.drop);
    });
    read_seccomp_profile(m, sc.seccomp_profile);
    m.unsupported({"procMount", "seLinuxOptions", "windowsOptions", "appArmorProfile"});
  });
}

void read_container(ParseContext& ctx, MapReader& m, Container& c) {
  m.string("name", c.name, true);
  m.string("image", c.image);
  m.string("imagePullPolicy", c.image_pull_policy);
  m.string_list("command", c.command);
  m.string_list("args", c.args);
  m.string("workingDir", c.working_dir);
  read_object_list<ContainerPort>(ctx, m, "ports", c.ports, [](MapReader& p, ContainerPort& port) {
    p.string("name", port.name);
    p.integer("containerPort", port.container_port, true);
    p.integer("hostPort", port.host_port);
    p.string("hostIP", port.host_ip);
    p.string("protocol", port.protocol);
  });
  read_env(ctx, m, c);
  m.object("resources", [&](MapReader& r) { read_resources(ctx, r, c.resources); });
  read_object_list<VolumeMount>(ctx, m, "volumeMounts", c.volume_mounts, [](MapReader& v, VolumeMount& vm) {
    v.string("name", vm.name, true);
    v.string("mountPath", vm.mount_path, true);
    v.string("subPath", vm.sub_path);
    v.boolean("readOnly", vm.read_only);
    v.unsupported({"mountPropagation", "subPathExpr", "recursiveReadOnly"});
  });
  read_probe(ctx, m, "livenessProbe", c.liveness_probe);
  read_probe(ctx, m, "readinessProbe", c.readiness_probe);
  read_probe(ctx, m, "startupProbe", c.startup_probe);
  m.object("lifecycle", [&](MapReader& l) {
    auto& lc = c.lifecycle.emplace();
    l.object("postStart", [&](MapReader& h) { read_handler(ctx, h, lc.post_start.emplace(), false); });
    l.object("preStop", [&](MapReader& h) { read_handler(ctx, h, lc.pre_stop.emplace(), false); });
    l.unsupported({"stopSignal"});
  });
  read_security_context(m, c.security_context);
  m.string("restartPolicy", c.restart_policy);
  m.boolean("stdin", c.stdin);
  m.boolean("tty", c.tty);
  m.string("terminationMessagePath", c.termination_message_path);
  m.string("terminationMessagePolicy", c.termination_message_policy);
  m.unsupported({"stdinOnce", "volumeDevices", "resizePolicy",
                 "restartPolicyRules"});
}

void read_key_to_path(ParseContext& ctx, MapReader& r, std::vector<KeyToPath>& items) {
  read_object_list<KeyToPath>(ctx, r, "items", items, [](MapReader& m, KeyToPath& k) {
    m.string("key", k.key, true);
    m.string("path", k.path, true);
    m.integer("mode", k.mode);
  });
}

void read_downward_items(ParseContext& ctx, MapReader& s, DownwardApiSource& d) {
  read_object_list<DownwardApiFile>(ctx, s, "items", d.items, [&](MapReader& f, DownwardApiFile& file) {
    f.string("path", file.path, true);
    f.object("fieldRef", [&](MapReader& r) { read_field_ref(r, file.field_ref.emplace()); });
    f.object("resourceFieldRef",
             [&](MapReader& r) { read_resource_field_ref(ctx, r, file.resource_field_ref.emplace()); });
    f.integer("mode", file.mode);
  });
}

// configMap and secret projections: a name, items and optional, without a defaultMode of their own.
void read_key_projection(ParseContext& ctx, MapReader& s, ConfigMapVolumeSource& c) {
  s.string("name", c.name, true);
  read_key_to_path(ctx, s, c.items);
  s.boolean("optional", c.optional);
}

void read_projected(ParseContext& ctx, MapReader& s, ProjectedVolumeSource& p) {
  read_object_list<VolumeProjection>(ctx, s, "sources", p.sources, [&](MapReader& src, VolumeProjection& one) {
    src.object("configMap", [&](MapReader& c) { read_key_projection(ctx, c, one.config_map.emplace()); });
    src.object("secret", [&](MapReader& c) { read_key_projection(ctx, c, one.secret.emplace()); });
    src.object("downwardAPI", [&](MapReader& d) { read_downward_items(ctx, d, one.downward_api.emplace()); });
    if (const YAML::Node* token = src.take("serviceAccountToken"))
      ctx.error(*token, src.child("serviceAccountToken"),
                "not supported by podctl: there is no API server to issue service account tokens");
    src.unsupported({"clusterTrustBundle", "podCertificate"});
  });
  s.integer("defaultMode", p.default_mode);
}

void read_volume(ParseContext& ctx, MapReader& m, Volume& v) {
  m.string("name", v.name, true);
  m.object("persistentVolumeClaim", [&](MapReader& s) {
    auto& c = v.persistent_volume_claim.emplace();
    s.string("claimName", c.claim_name, true);
    s.boolean("readOnly", c.read_only);
  });
  m.object("emptyDir", [&](MapReader& s) {
    auto& e = v.empty_dir.emplace();
    s.string("medium", e.medium);
    if (const YAML::Node* q = s.take("sizeLimit")) read_quantity(ctx, *q, s.child("sizeLimit"), e.size_limit);
  });
  m.object("hostPath", [&](MapReader& s) {
    auto& h = v.host_path.emplace();
    s.string("path", h.path, true);
    s.string("type", h.type);
  });
  m.object("configMap", [&](MapReader& s) {
    auto& c = v.config_map.emplace();
    s.string("name", c.name, true);
    read_key_to_path(ctx, s, c.items);
    s.integer("defaultMode", c.default_mode);
    s.boolean("optional", c.optional);
  });
  m.object("secret", [&](MapReader& s) {
    auto& c = v.secret.emplace();
    s.string("secretName", c.name, true);
    read_key_to_path(ctx, s, c.items);
    s.integer("defaultMode", c.default_mode);
    s.boolean("optional", c.optional);
  });
  m.object("downwardAPI", [&](MapReader& s) {
    read_downward_items(ctx, s, v.downward_api.emplace());
    s.integer("defaultMode", v.downward_api->default_mode);
  });
  m.object("projected", [&](MapReader& s) { read_projected(ctx, s, v.projected.emplace()); });
  m.unsupported({"nfs",
                 "csi",
                 "ephemeral",
                 "image",
                 "iscsi",
                 "hostPathType",
                 "awsElasticBlockStore",
                 "azureDisk",
                 "azureFile",
                 "cephfs",
                 "cinder",
                 "fc",
                 "flexVolume",
                 "flocker",
                 "gcePersistentDisk",
                 "gitRepo",
                 "glusterfs",
                 "photonPersistentDisk",
                 "portworxVolume",
                 "quobyte",
                 "rbd",
                 "scaleIO",
                 "storageos",
                 "vsphereVolume"});
}

}  // namespace

void read_pod_spec(ParseContext& ctx, MapReader& m, PodSpec& spec) {
  auto containers = [&](const char* key, std::vector<Container>& out) {
    read_object_list<Container>(ctx, m, key, out, [&](MapReader& c, Container& v) { read_container(ctx, c, v); });
  };
  containers("initContainers", spec.init_containers);
  containers("containers", spec.containers);
  if (!m.has("containers")) m.missing("containers");
  read_object_list<Volume>(ctx, m, "volumes", spec.volumes,
                           [&](MapReader& v, Volume& vol) { read_volume(ctx, v, vol); });
  m.string("restartPolicy", spec.restart_policy);
  m.integer("terminationGracePeriodSeconds", spec.termination_grace_period_seconds);
  m.string("dnsPolicy", spec.dns_policy);
  m.string("hostname", spec.hostname);
  m.string("subdomain", spec.subdomain);
  read_object_list<HostAlias>(ctx, m, "hostAliases", spec.host_aliases, [](MapReader& h, HostAlias& a) {
    h.string("ip", a.ip, true);
    h.string_list("hostnames", a.hostnames);
  });
  m.boolean("shareProcessNamespace", spec.share_process_namespace);
  m.boolean("enableServiceLinks", spec.enable_service_links);
  m.string("serviceAccountName", spec.service_account_name);
  // The deprecated alias, as the API server reads it when serviceAccountName is unset.
  if (std::string alias; m.string("serviceAccount", alias) && spec.service_account_name.empty())
    spec.service_account_name = alias;
  read_scheduling(m, spec);
  m.object("resources", [&](MapReader& r) { read_resources(ctx, r, spec.resources.emplace()); });
  m.object("securityContext", [&](MapReader& s) {
    auto& sc = spec.security_context;
    s.integer("runAsUser", sc.run_as_user);
    s.integer("runAsGroup", sc.run_as_group);
    s.boolean("runAsNonRoot", sc.run_as_non_root);
    s.list("supplementalGroups", [&](const YAML::Node& n, const std::string& path) {
      int64_t g = 0;
      if (ctx.read_int(n, path, g)) sc.supplemental_groups.push_back(g);
    });
    s.integer("fsGroup", sc.fs_group);
    read_seccomp_profile(s, sc.seccomp_profile);
    s.unsupported({"fsGroupChangePolicy", "seLinuxOptions", "sysctls", "windowsOptions", "appArmorProfile",
                   "supplementalGroupsPolicy", "seLinuxChangePolicy"});
  });
  m.unsupported({"activeDeadlineSeconds",
                 "automountServiceAccountToken",
                 "dnsConfig",
                 "ephemeralContainers",
                 "hostIPC",
                 "hostNetwork",
                 "hostPID",
                 "hostUsers",
                 "imagePullSecrets",
                 "os",
                 "overhead",
                 "preemptionPolicy",
                 "priority",
                 "priorityClassName",
                 "readinessGates",
                 "resourceClaims",
                 "runtimeClassName",
                 "schedulingGates",
                 "setHostnameAsFQDN",
                 "hostnameOverride"});
}

void read_claim_spec(ParseContext& ctx, MapReader& s, PersistentVolumeClaim& pvc) {
  s.string_list("accessModes", pvc.access_modes);
  s.object("resources", [&](MapReader& r) {
    r.object("requests", [&](MapReader& q) {
      if (const YAML::Node* n = q.take("storage")) read_quantity(ctx, *n, q.child("storage"), pvc.storage);
    });
    r.unsupported({"limits"});
  });
  s.string("storageClassName", pvc.storage_class_name);
  s.string("volumeMode", pvc.volume_mode);
  s.unsupported({"selector", "volumeName", "dataSource", "dataSourceRef", "volumeAttributesClassName"});
}

void read_object_meta(MapReader& m, ObjectMeta& meta, bool name_required) {
  m.string("name", meta.name, name_required);
  m.string("namespace", meta.namespace_);
  m.string_map("labels", meta.labels);
  m.string_map("annotations", meta.annotations);
  m.list("ownerReferences", [&](const YAML::Node& node, const std::string& path) {
    MapReader o(m.context(), node, path);
    OwnerReference ref;
    o.string("apiVersion", ref.api_version, true);
    o.string("kind", ref.kind, true);
    o.string("name", ref.name, true);
    o.string("uid", ref.uid, true);
    o.boolean("controller", ref.controller);
    o.boolean("blockOwnerDeletion", ref.block_owner_deletion);
    o.finish();
    meta.owner_references.push_back(std::move(ref));
  });
  m.unsupported({"generateName", "finalizers"});
  m.read_only({"uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
               "deletionGracePeriodSeconds", "managedFields", "selfLink"});
}

void read_metadata(MapReader& r, ObjectMeta& meta) {
  r.object(
      "metadata", [&](MapReader& m) { read_object_meta(m, meta, true); }, true);
}


std::optional<Object> parse_object(ParseContext& ctx, const YAML::Node& document) {
  MapReader top(ctx, document, "");
  if (!document.IsMap()) return std::nullopt;
  std::string api_version, kind;
  bool has_api = top.string("apiVersion", api_version, true);
  bool has_kind = top.string("kind", kind, true);
  if (!has_api || !has_kind) return std::nullopt;
  std::string want_version = kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" ? "apps/v1"
                             : kind == "Job"                                                      ? "batch/v1"
                                                                                                  : "v1";
  if (kind != "Pod" && kind != "ConfigMap" && kind != "Secret" && kind != "Service" &&
      kind != "PersistentVolumeClaim" && kind != "Namespace" && want_version == "v1") {
    ctx.error(ctx.positions["kind"], "kind",
              "kind \"" + kind +
                  "\" is not supported by podctl: it reads Pod, ConfigMap, Secret, Service, PersistentVolumeClaim, "
                  "Namespace (v1), Deployment, ReplicaSet, StatefulSet (apps/v1) and Job (batch/v1)");
    return std::nullopt;
  }
  if (api_version != want_version) {
    ctx.error(ctx.positions["apiVersion"], "apiVersion",
              "\"" + api_version + "\" is not a version of kind " + kind + ": use apiVersion: " + want_version);
    return std::nullopt;
  }
  if (want_version != "v1") return parse_workload(ctx, top, kind);
  if (kind == "Service") return parse_service(ctx, top);
  if (kind == "Namespace") {
    Namespace n;
    read_metadata(top, n.metadata);
    top.object("spec", [&](MapReader& s) { s.unsupported({"finalizers"}); });
    top.read_only({"status"});
    top.finish();
    return n;
  }
  if (kind == "PersistentVolumeClaim") {
    PersistentVolumeClaim pvc;
    read_metadata(top, pvc.metadata);
    top.object(
        "spec", [&](MapReader& s) { read_claim_spec(ctx, s, pvc); }, true);
    top.read_only({"status"});
    top.finish();
    return pvc;
  }
  if (kind == "Pod") {
    Pod pod;
    read_metadata(top, pod.metadata);
    top.object(
        "spec", [&](MapReader& s) { read_pod_spec(ctx, s, pod.spec); }, true);
    top.read_only({"status"});
    top.finish();
    return pod;
  }
  if (kind == "Secret") {
    Secret secret;
    read_metadata(top, secret.metadata);
    top.string("type", secret.type);
    top.string_map("data", secret.data);
    top.string_map("stringData", secret.string_data);
    top.boolean("immutable", secret.immutable);
    top.finish();
    return secret;
  }
  ConfigMap cm;
  read_metadata(top, cm.metadata);
  top.string_map("data", cm.data);
  top.string_map("binaryData", cm.binary_data);
  top.boolean("immutable", cm.immutable);
  top.finish();
  return cm;
}

}  // namespace podctl::manifest
