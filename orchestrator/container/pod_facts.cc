#include "orchestrator/container/pod_facts.h"

#include <unistd.h>

#include <cerrno>

#include "manifests/names.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

std::string kind_name(const std::string& kind) { return kind == "configmaps" ? "ConfigMap" : "Secret"; }

// "metadata.labels['app']" → "app"
std::optional<std::string> keyed(const std::string& path, const std::string& prefix) {
  if (path.rfind(prefix + "['", 0) != 0 || path.size() < prefix.size() + 4) return std::nullopt;
  return path.substr(prefix.size() + 2, path.size() - prefix.size() - 4);
}

// The downward API's format for a map: key="value" lines, sorted, values quoted as Go's %q.
std::string format_map(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    std::string q;
    for (char ch : v) {
      if (ch == '"' || ch == '\\') q += '\\';
      if (ch == '\n')
        q += "\\n";
      else
        q += ch;
    }
    out += k + "=\"" + q + "\"\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace

int64_t machine_memory_bytes() { return static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE); }

Result<std::string> field_ref_value(const manifest::Pod& pod, const PodFacts& facts, const manifest::FieldRef& ref) {
  const std::string& p = ref.field_path;
  const auto& meta = pod.metadata;
  if (p == "metadata.name") return meta.name;
  if (p == "metadata.namespace") return meta.namespace_;
  if (p == "metadata.uid") return facts.uid;
  if (p == "metadata.labels") return format_map(meta.labels);
  if (p == "metadata.annotations") return format_map(meta.annotations);
  if (auto key = keyed(p, "metadata.labels")) return meta.labels.count(*key) ? meta.labels.at(*key) : "";
  if (auto key = keyed(p, "metadata.annotations")) return meta.annotations.count(*key) ? meta.annotations.at(*key) : "";
  if (p == "spec.nodeName") return facts.node_name;
  if (p == "spec.serviceAccountName") return pod.spec.service_account_name;
  if (p == "status.podIP" || p == "status.podIPs") return facts.pod_ip;
  if (p == "status.hostIP" || p == "status.hostIPs") return facts.host_ip;
  return fail(make_error("unsupported fieldPath \"" + p + "\""));
}

Result<std::string> resource_field_value(const manifest::Pod& pod, const manifest::Container* own,
                                         const manifest::ResourceFieldRef& ref) {
  const manifest::Container* c = ref.container_name.empty() ? own : nullptr;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& candidate : *list)
      if (!c && candidate.name == ref.container_name) c = &candidate;
  if (!c) return fail(make_error("container \"" + ref.container_name + "\" not found in the pod"));
  auto dot = ref.resource.find('.');
  std::string which = ref.resource.substr(0, dot), name = ref.resource.substr(dot + 1);
  const auto& m = which == "limits" ? c->resources.limits : c->resources.requests;
  const auto* pod_limits = pod.spec.resources ? &pod.spec.resources->limits : nullptr;
  int64_t milli;
  if (auto it = m.find(name); it != m.end())
    milli = it->second.milli;
  else if (which == "requests" && c->resources.limits.count(name))
    milli = c->resources.limits.at(name).milli;
  else if (which == "requests")
    milli = 0;
  else if (pod_limits && pod_limits->count(name))  // pod-level limits bound a container without its own
    milli = pod_limits->at(name).milli;
  else
    milli = name == "cpu" ? ::sysconf(_SC_NPROCESSORS_ONLN) * 1000 : machine_memory_bytes() * 1000;
  int64_t divisor = ref.divisor ? ref.divisor->milli : 1000;
  if (divisor <= 0) return fail(make_error("invalid divisor for " + ref.resource));
  // ceil(value / divisor), as the kubelet's ExtractContainerResourceValue.
  int64_t value = milli / divisor + (milli % divisor > 0 ? 1 : 0);
  return std::to_string(value);
}

Result<std::map<std::string, std::string>> lookup_payload(const PodFacts& facts, const std::string& kind,
                                                          const std::string& name) {
  auto object = facts.lookup(kind, name);
  if (!object) {
    if (object.error().code == ENOENT)
      return fail(Error{ENOENT, kind.substr(0, kind.size() - 1) + " \"" + name + "\" not found"});
    return fail(object.error());
  }
  return object_payload(*object);
}

namespace {

std::string env_name(std::string s) {
  for (auto& ch : s) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

std::vector<EnvEntry> service_link_env(const std::vector<ServiceLink>& services) {
  std::vector<EnvEntry> out;
  for (const auto& s : services) {
    if (s.cluster_ip.empty() || s.cluster_ip == "None" || s.ports.empty()) continue;
    std::string name = env_name(s.name);
    out.push_back({name + "_SERVICE_HOST", s.cluster_ip});
    out.push_back({name + "_SERVICE_PORT", std::to_string(s.ports[0].port)});
    for (const auto& p : s.ports)
      if (!p.name.empty()) out.push_back({name + "_SERVICE_PORT_" + env_name(p.name), std::to_string(p.port)});
    const auto& first = s.ports[0];
    out.push_back({name + "_PORT", lower(first.protocol) + "://" + s.cluster_ip + ":" + std::to_string(first.port)});
    for (const auto& p : s.ports) {
      std::string prefix = name + "_PORT_" + std::to_string(p.port) + "_" + p.protocol;
      out.push_back({prefix, lower(p.protocol) + "://" + s.cluster_ip + ":" + std::to_string(p.port)});
      out.push_back({prefix + "_PROTO", lower(p.protocol)});
      out.push_back({prefix + "_PORT", std::to_string(p.port)});
      out.push_back({prefix + "_ADDR", s.cluster_ip});
    }
  }
  return out;
}

bool reads_config_sources(const manifest::Pod& pod) {
  for (const auto& v : pod.spec.volumes)
    if (v.config_map || v.secret || v.projected) return true;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) {
      if (!c.env_from.empty()) return true;
      for (const auto& var : c.env)
        if (var.value_from && (var.value_from->config_map_key_ref || var.value_from->secret_key_ref)) return true;
    }
  return false;
}

Result<std::vector<EnvEntry>> resolve_env_sources(const manifest::Pod& pod, const manifest::Container& c,
                                                  const PodFacts& facts) {
  std::vector<EnvEntry> out;
  if (pod.spec.enable_service_links.value_or(true) && facts.services) out = service_link_env(facts.services());
  for (const auto& from : c.env_from) {
    const auto& ref = from.config_map_ref ? *from.config_map_ref : *from.secret_ref;
    std::string kind = from.config_map_ref ? "configmaps" : "secrets";
    auto payload = lookup_payload(facts, kind, ref.name);
    if (!payload) {
      if (payload.error().code == ENOENT && ref.optional.value_or(false)) continue;
      return fail(payload.error());
    }
    // Keys that are not valid variable names are skipped, as the kubelet does (with an event).
    for (const auto& [k, v] : *payload)
      if (manifest::check_env_var_name(from.prefix + k).empty()) out.push_back({from.prefix + k, v});
  }
  for (const auto& var : c.env) {
    if (!var.value_from) {
      out.push_back({var.name, var.value, true});
      continue;
    }
    const auto& src = *var.value_from;
    std::string value;
    if (src.field_ref) {
      PODCTL_ASSIGN_OR_RETURN(value, field_ref_value(pod, facts, *src.field_ref));
    } else if (src.resource_field_ref) {
      PODCTL_ASSIGN_OR_RETURN(value, resource_field_value(pod, &c, *src.resource_field_ref));
    } else {
      const auto& key_ref = src.config_map_key_ref ? *src.config_map_key_ref : *src.secret_key_ref;
      std::string kind = src.config_map_key_ref ? "configmaps" : "secrets";
      auto payload = lookup_payload(facts, kind, key_ref.name);
      bool optional = key_ref.optional.value_or(false);
      if (!payload) {
        if (payload.error().code == ENOENT && optional) continue;
        return fail(payload.error());
      }
      auto it = payload->find(key_ref.key);
      if (it == payload->end()) {
        if (optional) continue;
        return fail(make_error("couldn't find key " + key_ref.key + " in " + kind_name(kind) + " " +
                               pod.metadata.namespace_ + "/" + key_ref.name));
      }
      value = it->second;
    }
    out.push_back({var.name, value});
  }
  return out;
}

}  // namespace podctl
