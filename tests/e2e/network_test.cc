// Published ports (hostPort over nftables DNAT), outbound traffic through masquerade, and a
// system reset that leaves the machine as it was.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

std::string web_pod(const std::string& name, int host_port, const std::string& text) {
  return pod_yaml(name,
                  R"(  - name: web
    image: busybox:1.35
    command: ["sh", "-c", "mkdir -p /www && echo )" +
                      text + R"( > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports:
    - containerPort: 80
      hostPort: )" + std::to_string(host_port) +
                      "\n",
                  "  terminationGracePeriodSeconds: 0\n");
}

std::string table_of(const PodctlEnv& env) { return "podctl_" + env.bridge(); }

bool table_exists(const std::string& table) { return sh("nft list table ip " + table + " >/dev/null 2>&1").rc == 0; }

using Network = PodctlTest;

TEST_F(Network, AHostPortReachesThePodFromLocalhostAndTheHostsAddresses) {
  int port = env_->host_port();
  ASSERT_EQ(env_->apply(web_pod("pub", port, "published")).rc, 0);
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  EXPECT_EQ(sh("curl -s -m 5 " + url).out, "published\n");
  // The bridge address is the host's too; a pod reaches its own hostPort there (hairpin).
  std::string gateway = env_->subnet_prefix() + "1:" + std::to_string(port);
  EXPECT_EQ(sh("curl -s -m 5 http://" + gateway + "/").out, "published\n");
  RunResult self = env_->podctl({"exec", "pub", "--", "sh", "-c", "timeout 5 wget -q -O - http://" + gateway + "/"});
  EXPECT_EQ(self.out, "published\n") << self.err;
  // Deleting the pod unpublishes the port: it can be bound again.
  ASSERT_EQ(env_->podctl({"delete", "pod", "pub"}).rc, 0);
  EXPECT_NE(sh("curl -s -m 2 " + url).rc, 0);
  EXPECT_EQ(sh("nft list map ip " + table_of(*env_) + " any_tcp | grep -c elements").out, "0\n");
}

TEST_F(Network, AUdpHostPortReachesThePod) {
  int port = env_->host_port(2);
  ASSERT_EQ(
      env_->apply(pod_yaml(
                      "dns",
                      "  - name: echo\n    image: busybox:1.35\n    command: [\"/bin/probe\", \"udp-echo\", \"5353\"]\n"
                      "    ports:\n    - {containerPort: 5353, protocol: UDP, hostPort: " +
                          std::to_string(port) + "}\n",
                      "  terminationGracePeriodSeconds: 0\n"))
          .rc,
      0);
  // bash's /dev/udp: one datagram out, the answer read back on the same socket.
  RunResult r =
      sh("bash -c 'exec 3<>/dev/udp/127.0.0.1/" + std::to_string(port) + "; echo ping >&3; timeout 5 head -c 11 <&3'");
  EXPECT_EQ(r.out, "echo: ping\n") << r.err;
  EXPECT_EQ(sh("nft list map ip " + table_of(*env_) + " any_udp | grep -c '" + std::to_string(port) + " :'").out,
            "1\n");
}

TEST_F(Network, ATakenHostPortIsRefusedNamingItsHolderAndLeavesNothing) {
  int port = env_->host_port(1);
  ASSERT_EQ(env_->apply(web_pod("first", port, "one")).rc, 0);
  HostSnapshot before = HostSnapshot::take(env_->bridge());
  RunResult second = env_->apply(web_pod("second", port, "two"));
  EXPECT_EQ(second.rc, 1);
  EXPECT_NE(second.err.find("hostPort " + std::to_string(port) + "/TCP is already in use by pod default/first"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(env_->podctl({"get", "pod", "second"}).rc, 1);
  EXPECT_FALSE(std::filesystem::exists(env_->root() + "/pods/default/second"));
  HostSnapshot after = HostSnapshot::take(env_->bridge());
  EXPECT_EQ(after.veths, before.veths);
  EXPECT_EQ(after.mounts, before.mounts);
  EXPECT_EQ(sh("curl -s -m 5 http://127.0.0.1:" + std::to_string(port) + "/").out, "one\n");
  // A host process holding a port is named too.
  int other = env_->host_port(3);
  RunResult nc = sh("busybox nc -l -p " + std::to_string(other) + " >/dev/null 2>&1 & echo $!");
  std::string pid = nc.out.substr(0, nc.out.find('\n'));
  ASSERT_TRUE(env_->eventually([&] { return !sh("ss -Hltn sport = :" + std::to_string(other)).out.empty(); }));
  RunResult taken = env_->apply(web_pod("third", other, "three"));
  sh("kill " + pid);
  EXPECT_EQ(taken.rc, 1);
  EXPECT_NE(taken.err.find("is already in use by process " + pid + " (busybox)"), std::string::npos) << taken.err;
}

// An "outside" of the test's own: a network namespace behind a veth, with an address the pods
// can only reach through the host's routing and masquerade (it has no route back to them).
class Outside {
 public:
  // net: the second octet of its 172.N.x.0/30, distinct for the tests that may run at once.
  Outside(uint32_t id, int net_octet) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08x", id);
    ns_ = std::string("ptout") + buf;
    veth_ = std::string("pto") + buf;
    std::string net = "172." + std::to_string(net_octet) + "." + std::to_string(id % 256) + ".";
    host_ip_ = net + "1";
    ip_ = net + "2";
    sh("ip netns add " + ns_ + " && ip link add " + veth_ + " type veth peer name eth0 netns " + ns_ +
       " && ip addr add " + host_ip_ + "/30 dev " + veth_ + " && ip link set " + veth_ + " up && ip netns exec " + ns_ +
       " sh -c 'ip addr add " + ip_ + "/30 dev eth0 && ip link set eth0 up && ip link set lo up'");
  }
  ~Outside() {
    sh("ip netns pids " + ns_ + " | xargs -r kill -9; ip link del " + veth_ + " 2>/dev/null; ip netns del " + ns_);
  }
  // Starts a one-shot listener that writes what it receives; returns once it listens.
  void listen(int port, const std::string& out_file) const {
    sh("ip netns exec " + ns_ + " sh -c 'busybox nc -l -p " + std::to_string(port) + " > " + out_file + " 2>&1 &'");
    for (int i = 0; i < 100 && sh("ip netns exec " + ns_ + " ss -Hltn sport = :" + std::to_string(port)).out.empty();
         ++i)
      sh("sleep 0.05");
  }
  std::string ns_, veth_, host_ip_, ip_;
};

TEST_F(Network, PodsReachAnAddressBeyondTheHostThroughMasquerade) {
  Outside outside(env_->id(), 30);
  std::string received = env_->root() + "/received";
  outside.listen(9000, received);
  ASSERT_EQ(
      env_->apply(
              pod_yaml("out",
                       "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"until echo hello | nc " +
                           outside.ip_ + " 9000; do sleep 0.2; done; sleep 600\"]\n",
                       "  terminationGracePeriodSeconds: 0\n"))
          .rc,
      0);
  EXPECT_TRUE(env_->eventually([&] {
    std::ifstream in(received);
    std::string line;
    return std::getline(in, line) && line == "hello";
  }));
  EXPECT_EQ(sh("nft list chain ip " + table_of(*env_) + " postrouting | grep -c 'oifname != \"" + env_->bridge() +
               "\" masquerade'")
                .out,
            "1\n");
}

TEST_F(Network, OutboundCanBeTurnedOffForARoot) {
  Outside outside(env_->id(), 31);
  std::string received = env_->root() + "/received";
  outside.listen(9001, received);
  ASSERT_EQ(
      env_->podctl(
              {"--outbound=false", "apply", "-f", "-"},
              pod_yaml(
                  "out",
                  "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"echo hello | timeout 3 nc " +
                      outside.ip_ + " 9001; echo rc=$?; sleep 600\"]\n",
                  "  terminationGracePeriodSeconds: 0\n"))
          .rc,
      0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "out"}).out.find("rc=") != std::string::npos; }));
  EXPECT_NE(env_->podctl({"logs", "out"}).out, "rc=0\n");
  std::ifstream in(received);
  std::string line;
  EXPECT_FALSE(std::getline(in, line) && line == "hello");
}

TEST_F(Network, SystemResetLeavesTheMachineAsItWas) {
  HostSnapshot before = HostSnapshot::take(env_->bridge());
  ASSERT_EQ(env_->apply(web_pod("pub", env_->host_port(3), "x")).rc, 0);
  ASSERT_EQ(
      env_->apply(
              pod_yaml("mem",
                       "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n"
                       "    volumeMounts: [{name: m, mountPath: /m}]\n",
                       "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: m, emptyDir: {medium: Memory}}\n"))
          .rc,
      0);
  std::string cgroup = env_->pod("mem")["status"].dump();
  ASSERT_TRUE(table_exists(table_of(*env_)));
  RunResult reset = env_->podctl({"system", "reset", "--force"});
  ASSERT_EQ(reset.rc, 0) << reset.err;
  HostSnapshot after = HostSnapshot::take(env_->bridge());
  EXPECT_EQ(after.veths, before.veths);
  EXPECT_EQ(after.mounts, before.mounts);
  EXPECT_FALSE(table_exists(table_of(*env_)));
  EXPECT_NE(sh("ip link show " + env_->bridge()).rc, 0);
  EXPECT_FALSE(std::filesystem::exists(env_->root()));
  EXPECT_NE(sh("curl -s -m 2 http://127.0.0.1:" + std::to_string(env_->host_port(3)) + "/").rc, 0);
}

}  // namespace
}  // namespace podctl::test
