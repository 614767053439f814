#include "orchestrator/plan/resources.h"

#include <algorithm>
#include <cmath>

namespace podctl::plan {
namespace {

std::optional<int64_t> quantity(const std::map<std::string, manifest::Quantity>& m, const char* name, bool milli) {
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return milli ? it->second.milli : it->second.value();
}

}  // namespace

int64_t milli_cpu_to_shares(int64_t milli_cpu) {
  if (milli_cpu == 0) return kMinShares;
  return std::clamp<int64_t>(milli_cpu * 1024 / 1000, kMinShares, kMaxShares);
}

int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period_us) {
  if (milli_cpu == 0) return 0;
  return std::max<int64_t>(milli_cpu * period_us / 1000, kMinQuotaUs);
}

int64_t shares_to_weight(int64_t shares) {
  if (shares <= 0) return 0;
  if (shares >= kMaxShares) return 10'000;
  double l = std::log2(static_cast<double>(shares));
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return static_cast<int64_t>(std::ceil(std::pow(10.0, exponent)));
}

std::string qos_class(const manifest::Pod& pod) {
  // With pod-level resources, they alone decide (ComputePodQOS under PodLevelResources).
  if (const auto& r = pod.spec.resources; r && (!r->requests.empty() || !r->limits.empty())) {
    bool guaranteed = true;
    for (const char* name : {"cpu", "memory"}) {
      auto limit = quantity(r->limits, name, true), request = quantity(r->requests, name, true);
      if (!limit || (request && *request != *limit)) guaranteed = false;
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }
  bool any = false, guaranteed = true;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) {
      const auto& r = c.resources;
      any |= !r.requests.empty() || !r.limits.empty();
      for (const char* name : {"cpu", "memory"}) {
        auto limit = quantity(r.limits, name, true), request = quantity(r.requests, name, true);
        if (!limit || (request && *request != *limit)) guaranteed = false;
      }
    }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

ContainerLimits container_limits(const manifest::Pod& pod, const manifest::Container& c, int64_t machine_memory_bytes) {
  ContainerLimits l;
  const auto& r = c.resources;
  l.cpu_shares = milli_cpu_to_shares(quantity(r.requests, "cpu", true).value_or(0));
  l.cpu_weight = shares_to_weight(l.cpu_shares);
  if (auto limit = quantity(r.limits, "cpu", true); limit && *limit > 0)
    l.cpu_quota_us = milli_cpu_to_quota(*limit, kCfsPeriodUs);
  l.memory_max_bytes = quantity(r.limits, "memory", false);
  std::string qos = qos_class(pod);
  if (qos == "Guaranteed") {
    l.oom_score_adj = -997;
  } else if (qos == "Burstable") {
    int64_t request = quantity(r.requests, "memory", false).value_or(0);
    int64_t adj = machine_memory_bytes > 0 ? 1000 - (1000 * request) / machine_memory_bytes : 999;
    l.oom_score_adj = static_cast<int>(std::clamp<int64_t>(adj, 2, 999));
  }
  return l;
}

}  // namespace podctl::plan

namespace podctl::plan {

std::optional<ContainerLimits> pod_level_limits(const manifest::Pod& pod) {
  const auto& r = pod.spec.resources;
  if (!r || (r->requests.empty() && r->limits.empty())) return std::nullopt;
  ContainerLimits l;
  auto cpu_request = quantity(r->requests, "cpu", true);
  if (!cpu_request) cpu_request = quantity(r->limits, "cpu", true);
  l.cpu_shares = milli_cpu_to_shares(cpu_request.value_or(0));
  l.cpu_weight = shares_to_weight(l.cpu_shares);
  if (auto limit = quantity(r->limits, "cpu", true); limit && *limit > 0)
    l.cpu_quota_us = milli_cpu_to_quota(*limit, kCfsPeriodUs);
  l.memory_max_bytes = quantity(r->limits, "memory", false);
  return l;
}

}  // namespace podctl::plan
