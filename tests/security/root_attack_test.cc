// One root must not take over, or tear down, what another root made: its bridge and NAT table.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

class RootAttack : public PodctlTest {};

TEST_F(RootAttack, ASecondRootCannotJoinOrResetAnotherRootsBridge) {
  ASSERT_EQ(env_->apply(pod_yaml("a", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  char tmpl[] = "/tmp/podctl-test-other-XXXXXX";
  std::string other = ::mkdtemp(tmpl);
  std::vector<std::string> as_other = {PODCTL_BINARY,  "--root",   other,          "--bridge",
                                       env_->bridge(), "--subnet", "10.250.3.0/24"};
  auto run_other = [&](std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = as_other;
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, input);
  };
  RunResult joined = run_other({"apply", "-f", "-"}, pod_yaml("b", "  - name: main\n    image: busybox:1.35\n"));
  EXPECT_NE(joined.rc, 0);
  EXPECT_NE(joined.err.find("bridge " + env_->bridge() + " belongs to another podctl root (" + env_->root() + ")"),
            std::string::npos)
      << joined.err;
  // The other root's reset leaves the bridge, its address and its NAT table to their owner.
  RunResult reset = run_other({"system", "reset", "--force"});
  EXPECT_EQ(reset.rc, 0) << reset.err;
  EXPECT_EQ(sh("ip link show " + env_->bridge()).rc, 0) << "the first root's bridge was deleted";
  EXPECT_EQ(sh("ip -4 addr show " + env_->bridge() + " | grep -c inet").out, "1\n") << "a second gateway was added";
  EXPECT_EQ(sh("nft list table ip podctl_" + env_->bridge()).rc, 0) << "the first root's NAT table was deleted";
  EXPECT_EQ(env_->pod("a")["status"].value("phase", ""), "Running");
  std::filesystem::remove_all(other);
}

TEST_F(RootAttack, AnEmptyBridgeNameIsRefused) {
  RunResult r = run_program({PODCTL_BINARY, "--root", env_->root(), "--bridge", "", "get", "pods"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("--bridge (or PODCTL_BRIDGE) is empty"), std::string::npos) << r.err;
  RunResult odd =
      run_program({PODCTL_BINARY, "--root", env_->root() + "/fresh", "--bridge", "../x", "apply", "-f", "-"},
                  pod_yaml("c", "  - name: main\n    image: busybox:1.35\n"));
  EXPECT_NE(odd.rc, 0);
  EXPECT_NE(odd.err.find("is not an interface name"), std::string::npos) << odd.err;
}

}  // namespace
}  // namespace podctl::test
