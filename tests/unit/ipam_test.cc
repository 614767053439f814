#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "base/files.h"
#include "netsetup/ipam.h"

namespace podctl::net {
namespace {

uint32_t ip(const char* s) {
  in_addr a{};
  inet_pton(AF_INET, s, &a);
  return ntohl(a.s_addr);
}

class Ipam : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_ = (std::filesystem::temp_directory_path() / ("podctl-ipam-" + std::to_string(::getpid()))).string();
  IpamRange range_{dir_, ip("10.9.0.0"), 29};  // .2 – .6 usable
  std::function<bool(const std::string&)> all_alive_ = [](const std::string&) { return true; };
};

TEST_F(Ipam, HandsOutRoundRobinSkippingGatewayAndBroadcast) {
  std::vector<uint32_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(*allocate_ip(range_, "pod" + std::to_string(i), all_alive_));
  EXPECT_EQ(got,
            (std::vector<uint32_t>{ip("10.9.0.2"), ip("10.9.0.3"), ip("10.9.0.4"), ip("10.9.0.5"), ip("10.9.0.6")}));
  EXPECT_EQ(*read_file(dir_ + "/10.9.0.2"), "pod0\n");
}

TEST_F(Ipam, AFullRangeIsAClearError) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(allocate_ip(range_, "pod" + std::to_string(i), all_alive_));
  auto r = allocate_ip(range_, "one-too-many", all_alive_);
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error().message,
      "no free address left in subnet 10.9.0.0/29 (5 addresses, all in use): delete pods or use a larger --subnet");
}

TEST_F(Ipam, ReclaimsAddressesOfPodsThatAreGone) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(allocate_ip(range_, "pod" + std::to_string(i), all_alive_));
  auto r = allocate_ip(range_, "new", [](const std::string& uid) { return uid != "pod3"; });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, ip("10.9.0.5"));
  EXPECT_EQ(*read_file(dir_ + "/10.9.0.5"), "new\n");
}

TEST_F(Ipam, ReleaseOnlyFreesTheOwnersAddress) {
  uint32_t a = *allocate_ip(range_, "pod-a", all_alive_);
  EXPECT_TRUE(release_ip(dir_, a, "pod-b"));
  EXPECT_TRUE(path_exists(dir_ + "/10.9.0.2"));
  EXPECT_TRUE(release_ip(dir_, a, "pod-a"));
  EXPECT_FALSE(path_exists(dir_ + "/10.9.0.2"));
  EXPECT_TRUE(release_ip(dir_, a, "pod-a"));  // idempotent
}

}  // namespace
}  // namespace podctl::net
