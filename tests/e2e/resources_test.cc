// resources on real cgroups (v2, or the v1 controllers of a hybrid host such as the CI machine
// may have): a memory limit ends in OOMKilled, a CPU limit is the kubelet's CFS quota.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;
using Resources = PodctlTest;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "<missing>";
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// The container's file for a controller: in its v2 cgroup when the unified hierarchy has the
// controller, else at the same relative path under the v1 hierarchy.
std::string controller_file(const std::string& v2_cgroup, const std::string& controller, const std::string& v2_file,
                            const std::string& v1_file) {
  std::string mount = v2_cgroup.substr(0, v2_cgroup.find("/podctl/"));
  if (read_text(mount + "/cgroup.controllers").find(controller) != std::string::npos)
    return read_text(v2_cgroup + "/" + v2_file);
  std::string rel = v2_cgroup.substr(mount.size());
  return read_text("/sys/fs/cgroup/" + controller + rel + "/" + v1_file);
}

TEST_F(Resources, AMemoryLimitEndsInOomKilledAndACpuLimitIsTheKubeletsQuota) {
  ASSERT_EQ(env_->apply(pod_yaml("res", R"(  - name: hog
    image: busybox:1.35
    command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]
    resources:
      limits: {memory: 32Mi}
  - name: capped
    image: busybox:1.35
    command: ["sleep", "600"]
    resources:
      requests: {cpu: 100m}
      limits: {cpu: 250m, memory: 64Mi}
)",
                                 "  restartPolicy: Never\n  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually(
      [&] { return env_->pod("res")["status"]["containerStatuses"][0]["state"].contains("terminated"); }));
  json pod = env_->pod("res");
  json hog = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(hog["reason"], "OOMKilled");
  EXPECT_EQ(hog["exitCode"], 137);
  EXPECT_NE(env_->podctl({"get", "pods"}).out.find("OOMKilled"), std::string::npos);
  EXPECT_EQ(pod["status"]["qosClass"], "Burstable");
  std::string cgroup = env_->inspect("res")["containers"]["capped"]["cgroup"];
  std::string quota = controller_file(cgroup, "cpu", "cpu.max", "cpu.cfs_quota_us");
  EXPECT_TRUE(quota == "25000 100000\n" || quota == "25000\n") << quota;
  std::string memory = controller_file(cgroup, "memory", "memory.max", "memory.limit_in_bytes");
  EXPECT_EQ(memory, "67108864\n");
  std::string weight = controller_file(cgroup, "cpu", "cpu.weight", "cpu.shares");
  EXPECT_TRUE(weight == "5\n" || weight == "102\n") << weight;  // 100m → 102 shares → weight 5
  // A command run by exec counts against the container's limits too: it is in every cgroup the
  // container's own process is in, v1 ones included (hybrid hosts).
  std::string pid = std::to_string(env_->inspect("res")["containers"]["capped"]["pid"].get<int>());
  RunResult exec = env_->podctl({"exec", "res", "-c", "capped", "--", "cat", "/proc/self/cgroup"});
  ASSERT_EQ(exec.rc, 0) << exec.err;
  EXPECT_EQ(exec.out, read_text("/proc/" + pid + "/cgroup"));
  // Every cgroup goes with the pod, v1 ones included.
  std::string uid = pod["metadata"]["uid"];
  ASSERT_EQ(env_->podctl({"delete", "pod", "res"}).rc, 0);
  EXPECT_FALSE(std::filesystem::exists(cgroup));
  for (const char* c : {"cpu", "memory", "pids"})
    EXPECT_FALSE(std::filesystem::exists(std::string("/sys/fs/cgroup/") + c + "/podctl/" + uid)) << c;
}

}  // namespace
}  // namespace podctl::test
