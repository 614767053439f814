// netsetup against the real kernel. Each test runs in a forked child that unshares a fresh
// network namespace, so the bridges and veths it makes never touch the host's network.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "netsetup/bridge.h"
#include "netsetup/netlink.h"
#include "netsetup/pod_interface.h"
#include "netsetup/veth.h"
#include "tests/support/child_check.h"
#include "tests/support/podctl_env.h"

namespace podctl::net {
namespace {

using test::ipv4;

void in_fresh_netns(void (*body)()) {
  CHECK(::unshare(CLONE_NEWNET) == 0);
  body();
  std::_Exit(0);
}

void bridge_is_idempotent() {
  BridgeConfig cfg{"tbr0", ipv4("10.77.0.1"), 24};
  CHECK_OK(ensure_bridge(cfg));
  CHECK_OK(ensure_bridge(cfg));
  auto sock = open_route_socket();
  CHECK_OK(sock);
  auto link = get_link(sock->get(), "tbr0");
  CHECK_OK(link);
  CHECK(std::strcmp(rtnl_link_get_type(link->get()), "bridge") == 0);
  CHECK(rtnl_link_get_flags(link->get()) & IFF_UP);
  CHECK_OK(delete_bridge("tbr0"));
  CHECK(!link_exists(sock->get(), "tbr0"));
  CHECK_OK(delete_bridge("tbr0"));  // deleting twice is fine
}

void a_link_of_another_type_is_refused() {
  auto sock = open_route_socket();
  CHECK_OK(sock);
  CHECK(::system("ip link add tdummy type veth peer name tdummy1") == 0);
  auto st = ensure_bridge({"tdummy", ipv4("10.77.0.1"), 24});
  CHECK(!st);
  CHECK(st.error().message.find("is not a bridge") != std::string::npos);
}

void overlapping_routes_are_found() {
  CHECK_OK(ensure_bridge({"tbr1", ipv4("10.78.0.1"), 16}));
  auto found = find_overlapping_route(ipv4("10.78.5.0"), 24, "other");
  CHECK_OK(found);
  CHECK(*found == "10.78.0.0/16");
  auto own = find_overlapping_route(ipv4("10.78.0.0"), 16, "tbr1");
  CHECK_OK(own);
  CHECK(own->empty());
  auto none = find_overlapping_route(ipv4("10.79.0.0"), 16, "other");
  CHECK_OK(none);
  CHECK(none->empty());
}

// A "pod": a child in its own netns, wired with a veth, configured from inside, serving TCP.
void veth_pair_connects_a_pod_to_the_bridge() {
  CHECK_OK(ensure_bridge({"tbr2", ipv4("10.79.0.1"), 24}));
  int go[2], ready[2];
  CHECK(::pipe(go) == 0 && ::pipe(ready) == 0);
  pid_t pod = ::fork();
  if (pod == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a failed test (it holds gtest's pipe)
    CHECK(::unshare(CLONE_NEWNET) == 0);
    char c;
    CHECK(::write(ready[1], "n", 1) == 1);
    CHECK(::read(go[0], &c, 1) == 1);
    CHECK_OK(configure_pod_interface_in_child({"eth0", ipv4("10.79.0.2"), 24, ipv4("10.79.0.1")}));
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(7777);
    CHECK(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    CHECK(::listen(s, 1) == 0);
    CHECK(::write(ready[1], "l", 1) == 1);
    int conn = ::accept(s, nullptr, nullptr);
    CHECK(conn >= 0);
    CHECK(::write(conn, "pong", 4) == 4);
    std::_Exit(0);
  }
  // Our copies of the child's ends: without closing them a dead child would block our reads forever.
  ::close(ready[1]);
  ::close(go[0]);
  char c;
  CHECK(::read(ready[0], &c, 1) == 1);
  CHECK_OK(create_pod_veth("tveth0", "eth0", pod, "tbr2"));
  // Not sysfs: it shows the namespace it was mounted in, not ours.
  auto sock = open_route_socket();
  CHECK_OK(sock);
  auto host_end = get_link(sock->get(), "tveth0");
  auto bridge = get_link(sock->get(), "tbr2");
  CHECK_OK(host_end);
  CHECK_OK(bridge);
  CHECK(rtnl_link_get_master(host_end->get()) == rtnl_link_get_ifindex(bridge->get()));
  CHECK(rtnl_link_get_flags(host_end->get()) & IFF_UP);
  CHECK(::write(go[1], "g", 1) == 1);
  CHECK(::read(ready[0], &c, 1) == 1);
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(7777);
  addr.sin_addr.s_addr = htonl(ipv4("10.79.0.2"));
  CHECK(::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  char buf[8] = {};
  CHECK(::read(s, buf, 4) == 4);
  CHECK(std::string(buf) == "pong");
  int status = 0;
  ::waitpid(pod, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK_OK(delete_host_veth("tveth0"));
  CHECK_OK(delete_host_veth("tveth0"));
  CHECK(!link_exists(sock->get(), "tveth0"));
}

void veth_to_a_missing_bridge_leaves_nothing() {
  pid_t pod = ::fork();
  if (pod == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::unshare(CLONE_NEWNET);
    ::pause();
    std::_Exit(0);
  }
  ::usleep(50'000);
  auto st = create_pod_veth("tveth1", "eth0", pod, "nobridge");
  CHECK(!st);
  auto sock = open_route_socket();
  CHECK(!link_exists(sock->get(), "tveth1"));
  ::kill(pod, SIGKILL);
  ::waitpid(pod, nullptr, 0);
}

class Netsetup : public ::testing::Test {
 protected:
  void SetUp() override { PODCTL_REQUIRE_ROOT(); }
};

TEST_F(Netsetup, BridgeIsIdempotent) {
  EXPECT_EXIT(in_fresh_netns(bridge_is_idempotent), ::testing::ExitedWithCode(0), "");
}
TEST_F(Netsetup, ALinkOfAnotherTypeIsRefused) {
  EXPECT_EXIT(in_fresh_netns(a_link_of_another_type_is_refused), ::testing::ExitedWithCode(0), "");
}
TEST_F(Netsetup, OverlappingRoutesAreFound) {
  EXPECT_EXIT(in_fresh_netns(overlapping_routes_are_found), ::testing::ExitedWithCode(0), "");
}
TEST_F(Netsetup, VethPairConnectsAPodToTheBridge) {
  EXPECT_EXIT(in_fresh_netns(veth_pair_connects_a_pod_to_the_bridge), ::testing::ExitedWithCode(0), "");
}
TEST_F(Netsetup, VethToAMissingBridgeLeavesNothing) {
  EXPECT_EXIT(in_fresh_netns(veth_to_a_missing_bridge_leaves_nothing), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace podctl::net
