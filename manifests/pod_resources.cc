#include "manifests/pod_resources.h"

#include <algorithm>

namespace podctl::manifest {
namespace {

void add_to(ResourceAmounts& total, const ResourceAmounts& more) {
  for (const auto& [name, amount] : more) total[name] += amount;
}

void keep_max(ResourceAmounts& total, const ResourceAmounts& candidate) {
  for (const auto& [name, amount] : candidate) total[name] = std::max(total[name], amount);
}

bool is_sidecar(const Container& c) { return c.restart_policy && *c.restart_policy == "Always"; }

}  // namespace

ResourceAmounts container_requests(const Container& c) {
  ResourceAmounts out;
  for (const auto& [name, q] : c.resources.limits) out[name] = q.milli;
  for (const auto& [name, q] : c.resources.requests) out[name] = q.milli;
  return out;
}

ResourceAmounts aggregate_container_requests(const PodSpec& spec) {
  ResourceAmounts regular;
  for (const auto& c : spec.containers) add_to(regular, container_requests(c));
  ResourceAmounts sidecars, init_peak;
  for (const auto& c : spec.init_containers) {
    if (is_sidecar(c)) {
      add_to(sidecars, container_requests(c));
      keep_max(init_peak, sidecars);
      continue;
    }
    ResourceAmounts alone = sidecars;
    add_to(alone, container_requests(c));
    keep_max(init_peak, alone);
  }
  add_to(regular, sidecars);
  keep_max(regular, init_peak);
  for (auto it = regular.begin(); it != regular.end();) it = it->second == 0 ? regular.erase(it) : std::next(it);
  return regular;
}

ResourceAmounts pod_requests(const PodSpec& spec) {
  ResourceAmounts out = aggregate_container_requests(spec);
  if (!spec.resources) return out;
  for (const char* name : {"cpu", "memory"}) {
    auto request = spec.resources->requests.find(name);
    auto limit = spec.resources->limits.find(name);
    if (request != spec.resources->requests.end())
      out[name] = request->second.milli;
    else if (limit != spec.resources->limits.end())
      out[name] = limit->second.milli;
  }
  return out;
}

bool is_extended_resource(const std::string& name) {
  auto slash = name.find('/');
  if (slash == std::string::npos) return false;
  std::string domain = name.substr(0, slash);
  bool native = domain == "kubernetes.io" ||
                (domain.size() > 14 && domain.compare(domain.size() - 14, 14, ".kubernetes.io") == 0);
  return !native && name.rfind("requests.", 0) != 0;
}

}  // namespace podctl::manifest
