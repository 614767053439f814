// resources → cgroup values, against the kubelet's and runc's formulas.
#include <gtest/gtest.h>

#include "orchestrator/plan/resources.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl::plan {
namespace {

manifest::Pod pod_with(const std::string& resources) {
  auto r = test::load_yaml(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n"
      "    image: busybox:1.35\n" +
          resources,
      false);
  EXPECT_TRUE(r.ok()) << test::errors_of(r);
  return test::only_pod(r);
}

TEST(Resources, SharesQuotaAndWeightFollowTheKubelet) {
  EXPECT_EQ(milli_cpu_to_shares(0), 2);
  EXPECT_EQ(milli_cpu_to_shares(1), 2);
  EXPECT_EQ(milli_cpu_to_shares(250), 256);
  EXPECT_EQ(milli_cpu_to_shares(1000), 1024);
  EXPECT_EQ(milli_cpu_to_shares(1'000'000), 262'144);
  EXPECT_EQ(milli_cpu_to_quota(500, 100'000), 50'000);
  EXPECT_EQ(milli_cpu_to_quota(1, 100'000), 1'000);  // MinQuotaPeriod
  EXPECT_EQ(shares_to_weight(2), 1);
  EXPECT_EQ(shares_to_weight(1024), 100);
  EXPECT_EQ(shares_to_weight(262'144), 10'000);
}

TEST(Resources, QosClassAndContainerLimits) {
  auto guaranteed = pod_with("    resources:\n      limits: {cpu: 500m, memory: 64Mi}\n");
  EXPECT_EQ(qos_class(guaranteed), "Guaranteed");  // requests default to the limits
  ContainerLimits l = container_limits(guaranteed, guaranteed.spec.containers[0], 1 << 30);
  EXPECT_EQ(l.cpu_shares, 512);
  EXPECT_EQ(l.cpu_quota_us, 50'000);
  EXPECT_EQ(l.memory_max_bytes, 64 << 20);
  EXPECT_EQ(l.oom_score_adj, -997);
  auto burstable = pod_with("    resources:\n      requests: {memory: 256Mi}\n");
  EXPECT_EQ(qos_class(burstable), "Burstable");
  ContainerLimits b = container_limits(burstable, burstable.spec.containers[0], 1 << 30);
  EXPECT_EQ(b.oom_score_adj, 750);
  EXPECT_FALSE(b.cpu_quota_us.has_value());
  EXPECT_FALSE(b.memory_max_bytes.has_value());
  auto best = pod_with("");
  EXPECT_EQ(qos_class(best), "BestEffort");
  EXPECT_EQ(container_limits(best, best.spec.containers[0], 1 << 30),
            (ContainerLimits{2, 1, std::nullopt, 100'000, std::nullopt, 1000}));
}

}  // namespace
}  // namespace podctl::plan
