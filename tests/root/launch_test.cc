// Sandbox start against the real kernel, in a throwaway network namespace: the pause gets its
// namespaces, hostname and eth0; a failure in the middle leaves no veth behind.
#include <arpa/inet.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "netsetup/bridge.h"
#include "netsetup/netlink.h"
#include "orchestrator/sandbox/sandbox.h"
#include "tests/support/child_check.h"
#include "tests/support/podctl_env.h"

namespace podctl {
namespace {

using test::ipv4;

std::string pause_binary() {
  return std::string(PODCTL_BINARY).substr(0, std::string(PODCTL_BINARY).rfind('/')) + "/podctl-pause";
}

ino_t ns_inode(pid_t pid, const char* kind) {
  struct stat st {};
  ::stat(("/proc/" + std::to_string(pid) + "/ns/" + kind).c_str(), &st);
  return st.st_ino;
}

// The pause's root directory, made by the fixture (in the test's own process, before the death
// test forks) and removed by it afterwards.
std::string pause_root;

SandboxLaunch launch_for(const std::string& binary) {
  SandboxLaunch l;
  l.pause_binary = binary;
  l.root_dir = pause_root;
  l.hostname = "sandbox-test";
  l.bridge = "tsbr0";
  l.host_veth = "tsveth0";
  l.interface = {"eth0", ipv4("10.81.0.2"), 24, ipv4("10.81.0.1")};
  return l;
}

void sandbox_owns_its_namespaces() {
  CHECK(::unshare(CLONE_NEWNET) == 0);
  CHECK(net::ensure_bridge({"tsbr0", ipv4("10.81.0.1"), 24}));
  auto pause = start_sandbox(launch_for(pause_binary()));
  if (!pause) std::fprintf(stderr, "%s\n", pause.error().message.c_str());
  CHECK(pause);
  pid_t pid = pause->pid();
  for (const char* kind : {"net", "ipc", "uts"}) CHECK(ns_inode(pid, kind) != ns_inode(::getpid(), kind));
  // Its own mount namespace and an empty read-only root: only the pause binary is there.
  CHECK(ns_inode(pid, "mnt") != ns_inode(::getpid(), "mnt"));
  std::string root = "/proc/" + std::to_string(pid) + "/root";
  CHECK(::system(("test \"$(ls -A " + root + ")\" = pause").c_str()) == 0);
  CHECK(::system(("! touch " + root + "/x 2>/dev/null").c_str()) == 0);
  std::string host = "nsenter -t " + std::to_string(pid) + " -u hostname | grep -qx sandbox-test";
  CHECK(::system(host.c_str()) == 0);
  std::string addr = "nsenter -t " + std::to_string(pid) + " -n ip -4 -o addr show eth0 | grep -q 10.81.0.2/24";
  CHECK(::system(addr.c_str()) == 0);
  std::string route = "nsenter -t " + std::to_string(pid) + " -n ip route | grep -q 'default via 10.81.0.1'";
  CHECK(::system(route.c_str()) == 0);
  pause->kill_and_reap();  // _Exit skips destructors: the pause must not outlive the test
  std::_Exit(0);
}

void failed_exec_leaves_no_veth() {
  CHECK(::unshare(CLONE_NEWNET) == 0);
  CHECK(net::ensure_bridge({"tsbr0", ipv4("10.81.0.1"), 24}));
  auto pause = start_sandbox(launch_for("/nonexistent/podctl-pause"));
  CHECK(!pause);
  CHECK(pause.error().message == "start the pause process: bind the pause binary: No such file or directory");
  auto sock = net::open_route_socket();
  CHECK(!net::link_exists(sock->get(), "tsveth0"));
  std::_Exit(0);
}

void a_missing_bridge_is_reported() {
  CHECK(::unshare(CLONE_NEWNET) == 0);
  auto pause = start_sandbox(launch_for(pause_binary()));
  CHECK(!pause);
  CHECK(pause.error().message.find("find link tsbr0") != std::string::npos);
  std::_Exit(0);
}

class Sandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    PODCTL_REQUIRE_ROOT();
    char tmpl[] = "/tmp/podctl-pause-root-XXXXXX";
    pause_root = ::mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!pause_root.empty()) ::rmdir(pause_root.c_str());
  }
};

TEST_F(Sandbox, OwnsItsNamespacesHostnameAndAddress) {
  EXPECT_EXIT(sandbox_owns_its_namespaces(), ::testing::ExitedWithCode(0), "");
}
TEST_F(Sandbox, AFailedExecLeavesNoVeth) {
  EXPECT_EXIT(failed_exec_leaves_no_veth(), ::testing::ExitedWithCode(0), "");
}
TEST_F(Sandbox, AMissingBridgeIsReported) {
  EXPECT_EXIT(a_missing_bridge_is_reported(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace podctl
