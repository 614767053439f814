// Attacks from inside a running pod: what a container can reach of the host through its own
// processes' file descriptors, the pause, and the supervisor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PodAttack : public PodctlTest {
 protected:
  std::string exec(const std::string& pod, const std::string& script, int* rc = nullptr) {
    RunResult r = env_->podctl({"exec", pod, "--", "sh", "-c", script});
    if (rc) *rc = r.rc;
    return r.out + r.err;
  }
};

TEST_F(PodAttack, NoHostFileDescriptorReachesThePauseOrTheContainers) {
  env_->apply(pod_yaml("fds", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n",
                       "  shareProcessNamespace: true\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("fds")["status"].value("phase", "") == "Running"; }));
  // /proc/1 is the pause (shared pid namespace); the container's sleep is the other.
  std::string pause_fds = exec("fds", "ls /proc/1/fd");
  EXPECT_EQ(pause_fds, "0\n1\n2\n");
  std::string main_fds = exec("fds", "ls /proc/$(pidof sleep)/fd");
  EXPECT_EQ(main_fds, "0\n1\n2\n");
  // The attack: write through the pause's stdio and any other fd it may hold.
  std::string log = env_->root() + "/pods/default/fds/supervisor.log";
  std::string before = slurp(log);
  exec("fds", "for f in /proc/1/fd/*; do echo PWNED >> $f; done 2>/dev/null; true");
  EXPECT_EQ(slurp(log).find("PWNED"), std::string::npos) << "the pause's fds reach the supervisor's log";
  EXPECT_EQ(slurp(log), before);
  // Nothing the pause holds is a host file.
  std::string links = exec("fds", "ls -l /proc/1/fd /proc/$(pidof sleep)/fd");
  EXPECT_EQ(links.find(env_->root()), std::string::npos) << links;
}

}  // namespace
}  // namespace podctl::test
