// kubectl's ways of naming objects on the command line.
#include <gtest/gtest.h>

#include "orchestrator/cli/cli_support.h"

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

}  // namespace
}  // namespace podctl
