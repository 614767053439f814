// podctl - resources → cgroup settings, with the kubelet's formulas (pkg/kubelet/cm/helpers_linux.go):
// CPU request → shares (and cgroup v2 weight, by the runc ≥ 1.3.2 / crun ≥ 1.23 conversion), CPU
// limit → CFS quota over a 100 ms period, memory limit → memory.max; QoS class; oom_score_adj.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "manifests/pod_spec.h"

namespace podctl::plan {

inline constexpr int64_t kCfsPeriodUs = 100'000;
inline constexpr int64_t kMinQuotaUs = 1'000;
inline constexpr int64_t kMinShares = 2;
inline constexpr int64_t kMaxShares = 262'144;

struct ContainerLimits {
  int64_t cpu_shares = kMinShares;      // cgroup v1 cpu.shares
  int64_t cpu_weight = 1;               // cgroup v2 cpu.weight
  std::optional<int64_t> cpu_quota_us;  // none: no CPU limit
  int64_t cpu_period_us = kCfsPeriodUs;
  std::optional<int64_t> memory_max_bytes;  // none: no memory limit
  int oom_score_adj = 1000;
  bool operator==(const ContainerLimits&) const = default;
};

int64_t milli_cpu_to_shares(int64_t milli_cpu);
int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period_us);
// weight = ceil(10^(L²/612 + 125·L/612 − 7/34)), L = log2(shares): 2 → 1, 1024 → 100, 262144 → 10000.
int64_t shares_to_weight(int64_t shares);

// Guaranteed, Burstable or BestEffort (GetPodQOS).
std::string qos_class(const manifest::Pod& pod);

// memory_bytes: the machine's memory, for the Burstable oom_score_adj.
ContainerLimits container_limits(const manifest::Pod& pod, const manifest::Container& c, int64_t machine_memory_bytes);

// The pod cgroup's settings for pod-level resources (none without them): shares from the pod's
// cpu request, quota from its cpu limit, memory.max from its memory limit.
std::optional<ContainerLimits> pod_level_limits(const manifest::Pod& pod);

}  // namespace podctl::plan
