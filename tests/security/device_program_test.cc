// The cgroup v2 device program on its own: a process in a scratch cgroup that has only the
// program (no v1 devices list of its own) can open /dev/null but not a /dev/kmsg node it made.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/cgroup/cgroup.h"
#include "orchestrator/cgroup/device_program.h"
#include "orchestrator/plan/device_rules.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

// In a child that joined `cgroup`: 0 when `node` opens, else errno.
int open_in_cgroup(const std::string& cgroup, const std::string& node) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::ofstream(cgroup + "/cgroup.procs") << "0";
    int fd = ::open(node.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ::_exit(fd >= 0 ? 0 : errno);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}

TEST(DeviceProgram, DeniesWhatNoRuleAllows) {
  PODCTL_REQUIRE_ROOT();
  auto mount = cgroup2_mount();
  ASSERT_TRUE(mount.has_value());
  std::string cgroup = *mount + "/podctl-test-devices-" + std::to_string(::getpid());
  ASSERT_TRUE(create_cgroup(cgroup).has_value());
  char tmpl[] = "/tmp/podctl-sec-dev-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  // Whatever fails below, the cgroup and the node go.
  struct Cleanup {
    std::string cgroup, dir;
    ~Cleanup() {
      fs::remove_all(dir);
      auto removed = remove_cgroup(cgroup);
      EXPECT_TRUE(removed.has_value()) << removed.error().message;
    }
  } cleanup{cgroup, dir};
  std::string node = dir + "/kmsg";
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0600, makedev(1, 11)), 0);
  EXPECT_EQ(open_in_cgroup(cgroup, node), 0) << "control: without the program the node opens";
  auto fd = open_cgroup(cgroup);
  ASSERT_TRUE(fd.has_value());
  auto attached = attach_device_program(fd->get(), plan::container_device_rules(false));
  ASSERT_TRUE(attached.has_value()) << attached.error().message;
  EXPECT_EQ(open_in_cgroup(cgroup, node), EPERM);
  EXPECT_EQ(open_in_cgroup(cgroup, "/dev/null"), 0);
  // Attached again (a restart, here with the privileged rules): the new program replaces the old.
  ASSERT_TRUE(attach_device_program(fd->get(), plan::container_device_rules(true)).has_value());
  EXPECT_EQ(open_in_cgroup(cgroup, node), 0) << "privileged allows everything";
}

}  // namespace
}  // namespace podctl::test
