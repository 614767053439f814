// The files apply_container_limits writes, for a pure cgroup v2 host and for a hybrid host with
// v1 controllers, on a directory tree shaped like cgroupfs (no root needed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>

#include "base/files.h"
#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/cgroup/cgroup_limits.h"

namespace podctl {
namespace {

namespace fs = std::filesystem;

class FakeCgroupfs : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/podctl-cgroupfs-XXXXXX";
    root_ = ::mkdtemp(dir);
  }
  void TearDown() override { fs::remove_all(root_); }
  // cgroupfs files exist as soon as the directory does; here they are made beforehand.
  void files(const std::string& dir, std::initializer_list<const char*> names) {
    fs::create_directories(dir);
    for (const char* n : names) std::ofstream(dir + "/" + n);
  }
  std::string text(const std::string& path) { return read_file(path).value_or("<missing>"); }
  std::string root_;
};

plan::ContainerLimits limits() {
  plan::ContainerLimits l;
  l.cpu_shares = 256;
  l.cpu_weight = 29;
  l.cpu_quota_us = 25'000;
  l.memory_max_bytes = 32 << 20;
  return l;
}

TEST_F(FakeCgroupfs, PureV2WritesTheUnifiedFilesAndDelegatesTheControllers) {
  std::string v2 = root_ + "/unified", ctr = v2 + "/podctl/uid/ctr-a";
  for (const auto& level : {v2, v2 + "/podctl", v2 + "/podctl/uid"}) files(level, {"cgroup.subtree_control"});
  files(ctr, {"memory.max", "memory.oom.group", "cpu.weight", "cpu.max", "pids.max"});
  ControllerLayout layout{v2, {{"memory", true}, {"cpu", true}, {"pids", true}}, {}};
  auto made = apply_container_limits(layout, ctr, limits(), 100);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_TRUE(made->v1.empty());
  for (const auto& level : {v2, v2 + "/podctl", v2 + "/podctl/uid"})
    EXPECT_EQ(text(level + "/cgroup.subtree_control"), "+memory +cpu +pids") << level;
  EXPECT_EQ(text(ctr + "/memory.max"), "33554432");
  EXPECT_EQ(text(ctr + "/memory.oom.group"), "1");
  EXPECT_EQ(text(ctr + "/cpu.weight"), "29");
  EXPECT_EQ(text(ctr + "/cpu.max"), "25000 100000");
  EXPECT_EQ(text(ctr + "/pids.max"), "100");
}

TEST_F(FakeCgroupfs, HybridHostsGetV1GroupsAtTheSameRelativePath) {
  std::string v2 = root_ + "/unified", ctr = v2 + "/podctl/uid/ctr-a";
  files(ctr, {});
  files(root_ + "/memory/podctl/uid/ctr-a", {"memory.limit_in_bytes"});
  files(root_ + "/cpu/podctl/uid/ctr-a", {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us"});
  files(root_ + "/pids/podctl/uid/ctr-a", {"pids.max"});
  ControllerLayout layout{v2,
                          {{"memory", false}, {"cpu", false}, {"pids", false}},
                          {{"memory", root_ + "/memory"}, {"cpu", root_ + "/cpu"}, {"pids", root_ + "/pids"}}};
  auto made = apply_container_limits(layout, ctr, limits(), 0);
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_EQ(made->v1, (std::vector<std::string>{root_ + "/memory/podctl/uid/ctr-a", root_ + "/cpu/podctl/uid/ctr-a",
                                                root_ + "/pids/podctl/uid/ctr-a"}));
  EXPECT_EQ(text(root_ + "/memory/podctl/uid/ctr-a/memory.limit_in_bytes"), "33554432");
  EXPECT_EQ(text(root_ + "/cpu/podctl/uid/ctr-a/cpu.shares"), "256");
  EXPECT_EQ(text(root_ + "/cpu/podctl/uid/ctr-a/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(text(root_ + "/cpu/podctl/uid/ctr-a/cpu.cfs_quota_us"), "25000");
  EXPECT_EQ(text(root_ + "/pids/podctl/uid/ctr-a/pids.max"), "");  // no pids limit asked
}

TEST_F(FakeCgroupfs, ALimitWithoutItsControllerIsRefused) {
  std::string v2 = root_ + "/unified", ctr = v2 + "/podctl/uid/ctr-a";
  files(ctr, {});
  ControllerLayout layout{v2, {{"memory", false}, {"cpu", false}, {"pids", false}}, {}};
  auto made = apply_container_limits(layout, ctr, limits(), 0);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message, "limits.memory needs the memory cgroup controller, which this host lacks");
}

// Another podctl removes the shared parent when its last pod goes; a pod being created meanwhile
// must still get its cgroup (a CI run once failed an apply on this).
TEST_F(FakeCgroupfs, ACgroupIsMadeEvenWhileAnotherPodctlRemovesTheSharedParent) {
  const std::string parent = root_ + "/podctl";
  std::atomic<bool> done{false};
  std::thread remover([&] {
    // As often as pods of other roots could go: far more often than they do.
    while (!done) {
      ::rmdir(parent.c_str());
      std::this_thread::yield();
    }
  });
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string pod = parent + "/pod" + std::to_string(i);
    if (auto made = create_cgroup(pod); !made) {
      ++failures;
      ADD_FAILURE() << made.error().message;
    }
    ::rmdir(pod.c_str());
  }
  done = true;
  remover.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace podctl
