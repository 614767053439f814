#include "manifests/defaults.h"

namespace podctl::manifest {
namespace {

void default_http_get(HttpGetAction& h) {
  if (h.path.empty()) h.path = "/";
  if (h.scheme.empty()) h.scheme = "HTTP";
}

void default_handler(std::optional<Handler>& h) {
  if (h && h->http_get) default_http_get(*h->http_get);
}

void default_probe(std::optional<Probe>& p) {
  if (p && p->handler.http_get) default_http_get(*p->handler.http_get);
}

void default_field_ref(FieldRef& f) {
  if (f.api_version.empty()) f.api_version = "v1";
}

void default_downward_items(DownwardApiSource& d) {
  for (auto& f : d.items)
    if (f.field_ref) default_field_ref(*f.field_ref);
}

void default_container(Container& c) {
  if (c.image_pull_policy.empty()) c.image_pull_policy = default_pull_policy(c.image);
  if (c.termination_message_path.empty()) c.termination_message_path = "/dev/termination-log";
  if (c.termination_message_policy.empty()) c.termination_message_policy = "File";
  for (auto& p : c.ports)
    if (p.protocol.empty()) p.protocol = "TCP";
  for (auto& e : c.env)
    if (e.value_from && e.value_from->field_ref) default_field_ref(*e.value_from->field_ref);
  default_probe(c.liveness_probe);
  default_probe(c.readiness_probe);
  default_probe(c.startup_probe);
  if (c.lifecycle) {
    default_handler(c.lifecycle->post_start);
    default_handler(c.lifecycle->pre_stop);
  }
  // A limit without a request means request = limit (SetDefaults_ResourceRequirements).
  for (const auto& [name, q] : c.resources.limits)
    if (!c.resources.requests.count(name)) c.resources.requests[name] = q;
}

}  // namespace

std::string default_pull_policy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  auto slash = image.rfind('/');
  std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
  auto colon = last.rfind(':');
  if (colon == std::string::npos || last.substr(colon + 1) == "latest") return "Always";
  return "IfNotPresent";
}

void apply_defaults(Pod& pod, const std::string& default_namespace) {
  if (pod.metadata.namespace_.empty()) pod.metadata.namespace_ = default_namespace;
  auto& spec = pod.spec;
  if (spec.restart_policy.empty()) spec.restart_policy = "Always";
  if (spec.dns_policy.empty()) spec.dns_policy = "ClusterFirst";
  if (spec.service_account_name.empty()) spec.service_account_name = "default";
  if (spec.scheduler_name.empty()) spec.scheduler_name = "default-scheduler";
  for (auto& c : spec.init_containers) default_container(c);
  for (auto& c : spec.containers) default_container(c);
  for (auto& v : spec.volumes) {
    if (!v.empty_dir && !v.host_path && !v.config_map && !v.secret && !v.downward_api && !v.projected &&
        !v.persistent_volume_claim)
      v.empty_dir.emplace();
    if (v.downward_api) default_downward_items(*v.downward_api);
    if (v.projected)
      for (auto& source : v.projected->sources)
        if (source.downward_api) default_downward_items(*source.downward_api);
  }
}

void apply_defaults(ConfigMap& cm, const std::string& default_namespace) {
  if (cm.metadata.namespace_.empty()) cm.metadata.namespace_ = default_namespace;
}

void apply_defaults(Secret& secret, const std::string& default_namespace) {
  if (secret.metadata.namespace_.empty()) secret.metadata.namespace_ = default_namespace;
  if (secret.type.empty()) secret.type = "Opaque";
}

namespace {

void default_template(PodTemplate& t) {
  Pod pod{t.metadata, t.spec};
  apply_defaults(pod, "");
  t.spec = std::move(pod.spec);
}

}  // namespace

void apply_defaults(Deployment& d, const std::string& default_namespace) {
  if (d.metadata.namespace_.empty()) d.metadata.namespace_ = default_namespace;
  if (d.strategy.type.empty()) d.strategy.type = "RollingUpdate";
  default_template(d.template_);
}

void apply_defaults(ReplicaSet& rs, const std::string& default_namespace) {
  if (rs.metadata.namespace_.empty()) rs.metadata.namespace_ = default_namespace;
  default_template(rs.template_);
}

void apply_defaults(Job& j, const std::string& default_namespace) {
  if (j.metadata.namespace_.empty()) j.metadata.namespace_ = default_namespace;
  if (j.completion_mode.empty()) j.completion_mode = "NonIndexed";
  // SetDefaults_Job: neither completions nor parallelism is one pod to succeed once.
  if (!j.completions && j.parallelism == 1) j.completions = 1;
  default_template(j.template_);
}

void apply_defaults(PersistentVolumeClaim& c, const std::string& default_namespace) {
  if (c.metadata.namespace_.empty()) c.metadata.namespace_ = default_namespace;
  if (c.volume_mode.empty()) c.volume_mode = "Filesystem";
}

void apply_defaults(StatefulSet& st, const std::string& default_namespace) {
  if (st.metadata.namespace_.empty()) st.metadata.namespace_ = default_namespace;
  if (st.pod_management_policy.empty()) st.pod_management_policy = "OrderedReady";
  if (st.update_strategy.empty()) st.update_strategy = "RollingUpdate";
  for (auto& c : st.volume_claim_templates) apply_defaults(c, st.metadata.namespace_);
  default_template(st.template_);
}

void apply_defaults(Namespace&, const std::string&) {}

void apply_defaults(Service& s, const std::string& default_namespace) {
  if (s.metadata.namespace_.empty()) s.metadata.namespace_ = default_namespace;
  if (s.type.empty()) s.type = "ClusterIP";
  if (s.session_affinity.empty()) s.session_affinity = "None";
  for (auto& p : s.ports) {
    if (p.protocol.empty()) p.protocol = "TCP";
    if (!p.target_port.is_string && p.target_port.number == 0) p.target_port.number = p.port;
  }
}

}  // namespace podctl::manifest
