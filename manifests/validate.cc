#include "manifests/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/base64.h"
#include "manifests/names.h"
#include "manifests/validator.h"

namespace podctl::manifest {
namespace detail {

void Validator::add(const std::string& path, std::string message) { errors.push_back({path, std::move(message), {}}); }

void Validator::check(const std::string& path, const std::string& value, const std::string& why) {
  if (!why.empty()) add(path, quoted(value) + ": " + why);
}

void Validator::one_of(const std::string& path, const std::string& value, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : ", ") + quoted(a);
  }
  add(path, "unsupported value " + quoted(value) + ": supported values: " + list);
}

void Validator::range(const std::string& path, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    add(path, std::to_string(value) + ": must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                  ", inclusive");
}

void Validator::non_negative(const std::string& path, int64_t value) {
  if (value < 0) add(path, std::to_string(value) + ": must be greater than or equal to 0");
}

void Validator::metadata(const ObjectMeta& m, bool subdomain_name) {
  check("metadata.name", m.name, subdomain_name ? check_dns1123_subdomain(m.name) : check_dns1123_label(m.name));
  check("metadata.namespace", m.namespace_, check_dns1123_label(m.namespace_));
  for (const auto& [k, v] : m.labels) {
    check("metadata.labels." + k, k, check_qualified_name(k));
    check("metadata.labels." + k, v, check_label_value(v));
  }
  size_t total = 0;
  for (const auto& [k, v] : m.annotations) {
    check("metadata.annotations." + k, k, check_qualified_name(k));
    total += k.size() + v.size();
  }
  if (total > 256 * 1024) add("metadata.annotations", "total size must be no more than 262144 bytes");
}

void Validator::relative_path(const std::string& path, const std::string& value) {
  if (!value.empty() && value.front() == '/') add(path, quoted(value) + ": must be a relative path");
  std::string s = "/" + value + "/";
  if (s.find("/../") != std::string::npos) add(path, quoted(value) + ": must not contain '..'");
}

void Validator::volume(const std::string& path, const Volume& v, const Pod& pod) {
  check(path + ".name", v.name, check_dns1123_label(v.name));
  if (v.persistent_volume_claim)
    check(path + ".persistentVolumeClaim.claimName", v.persistent_volume_claim->claim_name,
          check_dns1123_subdomain(v.persistent_volume_claim->claim_name));
  int n = v.persistent_volume_claim.has_value() + v.empty_dir.has_value() + v.host_path.has_value() +
          v.config_map.has_value() + v.secret.has_value() + v.downward_api.has_value() + v.projected.has_value();
  if (n > 1) add(path, "may not specify more than 1 volume type");
  if (v.empty_dir) {
    one_of(path + ".emptyDir.medium", v.empty_dir->medium, {"", "Memory"});
    if (v.empty_dir->size_limit && v.empty_dir->size_limit->milli < 0)
      add(path + ".emptyDir.sizeLimit", "must be greater than or equal to 0");
  }
  if (v.host_path) {
    const auto& h = *v.host_path;
    if (h.path.empty())
      add(path + ".hostPath.path", "required value");
    else if (("/" + h.path + "/").find("/../") != std::string::npos)
      add(path + ".hostPath.path", quoted(h.path) + ": must not contain '..'");
    one_of(path + ".hostPath.type", h.type,
           {"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"});
  }
  if (v.config_map) key_source(path + ".configMap", *v.config_map, "name", true);
  if (v.secret) key_source(path + ".secret", *v.secret, "secretName", true);
  if (v.downward_api) downward_items(path + ".downwardAPI", *v.downward_api, pod, true);
  if (v.projected) projected(path + ".projected", *v.projected, pod);
}

void Validator::key_source(const std::string& path, const ConfigMapVolumeSource& src, const char* name_key,
                           bool has_default_mode) {
  check(path + "." + name_key, src.name, check_dns1123_subdomain(src.name));
  if (has_default_mode) mode(path + ".defaultMode", src.default_mode);
  for (size_t i = 0; i < src.items.size(); ++i) {
    const auto& k = src.items[i];
    std::string ip = idx(path + ".items", i);
    check(ip + ".key", k.key, check_config_key(k.key));
    if (k.path.empty()) add(ip + ".path", "required value");
    relative_path(ip + ".path", k.path);
    if (k.mode) mode(ip + ".mode", *k.mode);
  }
}

// validateDownwardAPIVolumeFile: one of the two references; a resourceFieldRef names its container.
void Validator::downward_items(const std::string& path, const DownwardApiSource& d, const Pod& pod,
                               bool has_default_mode) {
  if (has_default_mode) mode(path + ".defaultMode", d.default_mode);
  for (size_t i = 0; i < d.items.size(); ++i) {
    const auto& f = d.items[i];
    std::string ip = idx(path + ".items", i);
    if (f.path.empty()) add(ip + ".path", "required value");
    relative_path(ip + ".path", f.path);
    if (f.field_ref && f.resource_field_ref)
      add(ip, "fieldRef and resourceFieldRef can not be specified simultaneously");
    if (!f.field_ref && !f.resource_field_ref) add(ip, "must specify one of: `fieldRef` or `resourceFieldRef`");
    if (f.field_ref) field_ref(ip + ".fieldRef", *f.field_ref, false);
    if (f.resource_field_ref) volume_resource_field_ref(ip + ".resourceFieldRef", *f.resource_field_ref, pod);
    if (f.mode) mode(ip + ".mode", *f.mode);
  }
}

void Validator::volume_resource_field_ref(const std::string& path, const ResourceFieldRef& ref, const Pod& pod) {
  resource_field_ref(path, ref);
  if (ref.container_name.empty()) {
    add(path + ".containerName", "Required value");
    return;
  }
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list)
      if (c.name == ref.container_name) return;
  add(path + ".containerName", quoted(ref.container_name) + ": must be the name of one of the pod's containers");
}

void Validator::projected(const std::string& path, const ProjectedVolumeSource& p, const Pod& pod) {
  mode(path + ".defaultMode", p.default_mode);
  std::map<std::string, std::string> paths;  // a file's path → the first item that writes it
  auto claim = [&](const std::string& file, const std::string& item) {
    auto [it, fresh] = paths.emplace(file, item);
    if (!fresh) add(item + ".path", quoted(file) + ": conflicting duplicate paths (also written by " + it->second + ")");
  };
  for (size_t i = 0; i < p.sources.size(); ++i) {
    const auto& one = p.sources[i];
    std::string sp = idx(path + ".sources", i);
    int n = one.config_map.has_value() + one.secret.has_value() + one.downward_api.has_value();
    if (n != 1) add(sp, "must specify exactly one of: `configMap`, `secret` or `downwardAPI`");
    for (const auto* src : {&one.config_map, &one.secret}) {
      if (!*src) continue;
      std::string kp = sp + (src == &one.config_map ? ".configMap" : ".secret");
      key_source(kp, **src, "name", false);
      for (size_t j = 0; j < (*src)->items.size(); ++j) claim((*src)->items[j].path, idx(kp + ".items", j));
    }
    if (one.downward_api) {
      downward_items(sp + ".downwardAPI", *one.downward_api, pod, false);
      for (size_t j = 0; j < one.downward_api->items.size(); ++j)
        claim(one.downward_api->items[j].path, idx(sp + ".downwardAPI.items", j));
    }
  }
}

void Validator::mode(const std::string& path, int64_t m) {
  if (m < 0 || m > 0777) add(path, std::to_string(m) + ": must be a number between 0 and 0777 (octal), both inclusive");
}

}  // namespace detail

using detail::idx;
using detail::quoted;
using detail::Validator;

std::vector<FieldError> validate(const Namespace& n) {
  Validator v;
  ObjectMeta meta = n.metadata;
  if (!meta.namespace_.empty()) v.add("metadata.namespace", "a Namespace is not in a namespace: remove this field");
  meta.namespace_ = "default";  // checked above
  v.metadata(meta, false);      // the name: a DNS-1123 label
  return v.errors;
}

std::vector<FieldError> validate(const PersistentVolumeClaim& c) {
  Validator v;
  v.metadata(c.metadata, true);
  if (c.access_modes.empty()) v.add("spec.accessModes", "at least 1 access mode is required");
  for (size_t i = 0; i < c.access_modes.size(); ++i)
    v.one_of(idx("spec.accessModes", i), c.access_modes[i],
             {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"});
  if (!c.storage)
    v.add("spec.resources.requests.storage", "required value");
  else if (c.storage->milli <= 0)
    v.add("spec.resources.requests.storage", "must be greater than zero");
  v.one_of("spec.volumeMode", c.volume_mode, {"Filesystem"});
  // One provisioner on this machine: the default class, or the names kind and k3s give it.
  if (c.storage_class_name)
    v.one_of("spec.storageClassName", *c.storage_class_name, {"", "standard", "local-path"});
  return v.errors;
}

std::vector<FieldError> validate(const Pod& pod) {
  Validator v;
  v.metadata(pod.metadata, true);
  const auto& spec = pod.spec;
  if (spec.containers.empty()) v.add("spec.containers", "must have at least one container");
  std::map<std::string, std::string> container_names, host_ports;
  auto containers = [&](const std::vector<Container>& list, const std::string& path, bool is_init) {
    for (size_t i = 0; i < list.size(); ++i) {
      std::string p = idx(path, i);
      v.check(p + ".name", list[i].name, check_dns1123_label(list[i].name));
      auto [it, fresh] = container_names.emplace(list[i].name, p);
      if (!fresh) v.add(p + ".name", quoted(list[i].name) + " is already used by " + it->second);
      v.container(p, list[i], pod, is_init, host_ports);
    }
  };
  containers(spec.init_containers, "spec.initContainers", true);
  containers(spec.containers, "spec.containers", false);
  std::set<std::string> volume_names;
  for (size_t i = 0; i < spec.volumes.size(); ++i) {
    std::string p = idx("spec.volumes", i);
    if (!volume_names.insert(spec.volumes[i].name).second)
      v.add(p + ".name", quoted(spec.volumes[i].name) + ": duplicate volume name");
    v.volume(p, spec.volumes[i], pod);
  }
  if (spec.resources) v.pod_resources(pod);
  v.scheduling(spec);
  v.one_of("spec.restartPolicy", spec.restart_policy, {"Always", "OnFailure", "Never"});
  v.non_negative("spec.terminationGracePeriodSeconds", spec.termination_grace_period_seconds);
  v.one_of("spec.dnsPolicy", spec.dns_policy, {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"});
  if (spec.dns_policy == "None")
    v.add("spec.dnsPolicy", "\"None\" requires spec.dnsConfig, which podctl does not support");
  if (!spec.hostname.empty()) v.check("spec.hostname", spec.hostname, check_dns1123_label(spec.hostname));
  v.check("spec.serviceAccountName", spec.service_account_name, check_dns1123_subdomain(spec.service_account_name));
  if (!spec.subdomain.empty()) v.check("spec.subdomain", spec.subdomain, check_dns1123_label(spec.subdomain));
  for (size_t i = 0; i < spec.host_aliases.size(); ++i) {
    const auto& a = spec.host_aliases[i];
    std::string p = idx("spec.hostAliases", i);
    v.check(p + ".ip", a.ip, check_ip(a.ip));
    if (a.hostnames.empty()) v.add(p + ".hostnames", "required value");
    for (size_t j = 0; j < a.hostnames.size(); ++j)
      v.check(idx(p + ".hostnames", j), a.hostnames[j], check_dns1123_subdomain(a.hostnames[j]));
  }
  const auto& sc = spec.security_context;
  if (sc.run_as_user) v.range("spec.securityContext.runAsUser", *sc.run_as_user, 0, INT32_MAX);
  if (sc.run_as_group) v.range("spec.securityContext.runAsGroup", *sc.run_as_group, 0, INT32_MAX);
  if (sc.fs_group) v.range("spec.securityContext.fsGroup", *sc.fs_group, 0, INT32_MAX);
  v.seccomp_profile("spec.securityContext.seccompProfile", sc.seccomp_profile);
  for (size_t i = 0; i < sc.supplemental_groups.size(); ++i)
    v.range(idx("spec.securityContext.supplementalGroups", i), sc.supplemental_groups[i], 0, INT32_MAX);
  return v.errors;
}

std::vector<FieldError> validate(const ConfigMap& cm) {
  Validator v;
  v.metadata(cm.metadata, true);
  size_t total = 0;
  for (const auto& [k, val] : cm.data) {
    v.check("data." + k, k, check_config_key(k));
    total += val.size();
  }
  for (const auto& [k, val] : cm.binary_data) {
    v.check("binaryData." + k, k, check_config_key(k));
    if (cm.data.count(k)) v.add("binaryData." + k, "duplicate of key " + quoted(k) + " in data");
    if (!base64_decode(val)) v.add("binaryData." + k, "must be base64-encoded");
    total += val.size() * 3 / 4;
  }
  if (total > 1024 * 1024) v.add("data", "too long: must have at most 1048576 bytes");
  return v.errors;
}

std::vector<FieldError> validate(const Secret& secret) {
  Validator v;
  v.metadata(secret.metadata, true);
  size_t total = 0;
  for (const auto& [k, val] : secret.data) {
    v.check("data[" + k + "]", k, check_config_key(k));
    auto bytes = base64_decode(val);
    if (!bytes)
      v.add("data[" + k + "]", "must be base64-encoded");
    else if (!secret.string_data.count(k))
      total += bytes->size();
  }
  for (const auto& [k, val] : secret.string_data) {
    v.check("stringData[" + k + "]", k, check_config_key(k));
    total += val.size();
  }
  if (total > 1024 * 1024) v.add("data", "Too long: must have at most 1048576 bytes");
  // The API server's checks for the typed secrets podctl users meet most.
  auto has = [&](const std::string& key) { return secret.data.count(key) || secret.string_data.count(key); };
  if (secret.type == "kubernetes.io/tls")
    for (const char* key : {"tls.crt", "tls.key"})
      if (!has(key)) v.add(std::string("data[") + key + "]", "Required value");
  if (secret.type == "kubernetes.io/dockerconfigjson" && !has(".dockerconfigjson"))
    v.add("data[.dockerconfigjson]", "Required value");
  return v.errors;
}

}  // namespace podctl::manifest
