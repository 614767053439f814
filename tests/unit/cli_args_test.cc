// kubectl's ways of naming objects on the command line.
#include <gtest/gtest.h>

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/port_forward_spec.h"

namespace podctl {
namespace {

TEST(ResourceArgs, TypeThenNamesOrTypeSlashName) {
  auto plain = resource_args({"po", "a", "b"});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->kind, "pods");
  EXPECT_EQ(plain->names, (std::vector<std::string>{"a", "b"}));
  auto slashed = resource_args({"pod/a", "pods/b"});
  ASSERT_TRUE(slashed);
  EXPECT_EQ(slashed->kind, "pods");
  EXPECT_EQ(slashed->names, (std::vector<std::string>{"a", "b"}));
  auto deploy = resource_args({"deploy/a"});
  ASSERT_TRUE(deploy);
  EXPECT_EQ(deploy->kind, "deployments");
  auto unknown = resource_args({"ds/a"});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->kind, "");
  EXPECT_EQ(unknown->type_word, "ds");
  EXPECT_FALSE(resource_args({"pod/a", "cm/b"}));
  EXPECT_FALSE(resource_args({"pod/a", "b"}));
}

TEST(PodNameArg, TakesANameOrPodSlashName) {
  EXPECT_EQ(pod_name_arg("api").value(), "api");
  EXPECT_EQ(pod_name_arg("pod/api").value(), "api");
  EXPECT_FALSE(pod_name_arg("cm/api"));
  EXPECT_EQ(pod_name_arg("../../victim").value(), "../../victim");  // not a type: the name check refuses it
}

TEST(PortForwardArgs, PortPairsAsKubectlReadsThem) {
  auto pair = [](const std::string& text) {
    auto p = parse_port_pair(text);
    return p ? std::to_string(p->local_port) + ">" + p->remote_text() : "error: " + p.error().message;
  };
  EXPECT_EQ(pair("8080"), "8080>8080");
  EXPECT_EQ(pair("8080:80"), "8080>80");
  EXPECT_EQ(pair(":80"), "0>80");
  EXPECT_EQ(pair("0:80"), "0>80");
  EXPECT_EQ(pair("8080:http"), "8080>http");
  EXPECT_EQ(pair("http"), "error: invalid port \"http\": the remote port must be 1-65535 (or a port's name, as LOCAL:NAME)");
  EXPECT_EQ(pair("8080:0"), "error: invalid port \"8080:0\": the remote port must be 1-65535 (or a port's name, as LOCAL:NAME)");
  EXPECT_EQ(pair("70000"), "error: invalid port \"70000\": the remote port must be 1-65535 (or a port's name, as LOCAL:NAME)");
  EXPECT_EQ(pair("x:80"), "error: invalid port \"x:80\": the local port must be 0-65535");
  EXPECT_EQ(pair("-1:80"), "error: invalid port \"-1:80\": the local port must be 0-65535");
}

TEST(PortForwardArgs, AddressesAreLocalhostOrIpAddresses) {
  using A = ForwardAddress;
  EXPECT_EQ(parse_forward_addresses("localhost").value(), (std::vector<A>{{"127.0.0.1", true}, {"::1", true}}));
  // Named on its own as well, an address of localhost's must work.
  EXPECT_EQ(parse_forward_addresses("localhost,127.0.0.1,0.0.0.0,::").value(),
            (std::vector<A>{{"127.0.0.1", false}, {"::1", true}, {"0.0.0.0", false}, {"::", false}}));
  EXPECT_EQ(parse_forward_addresses("example.com").error().message,
            "--address example.com: expected localhost or an IP address");
  EXPECT_EQ(host_port("::1", 8080), "[::1]:8080");
  EXPECT_EQ(host_port("127.0.0.1", 8080), "127.0.0.1:8080");
}

}  // namespace
}  // namespace podctl
