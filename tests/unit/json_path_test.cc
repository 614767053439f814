#include <gtest/gtest.h>

#include "orchestrator/output/json_path.h"

namespace podctl {
namespace {

TEST(JsonPath, ReadsFieldsAndIndexesAsKubectlPrintsThem) {
  auto pod = nlohmann::json::parse(
      R"({"status": {"phase": "Running", "containerStatuses": [{"ready": true, "restartCount": 2}]}})");
  EXPECT_EQ(json_path_value(pod, "{.status.phase}"), "Running");
  EXPECT_EQ(json_path_value(pod, "{.status.containerStatuses[0].ready}"), "true");
  EXPECT_EQ(json_path_value(pod, "{.status.containerStatuses[0].restartCount}"), "2");
  EXPECT_EQ(json_path_value(pod, "{.status.containerStatuses[1].ready}"), std::nullopt);
  EXPECT_EQ(json_path_value(pod, "{.status.podIP}"), std::nullopt);
}

TEST(JsonPath, RejectsWhatItDoesNotSupport) {
  std::string why;
  EXPECT_FALSE(valid_json_path(".status.phase", &why));
  EXPECT_NE(why.find("must look like {.status.phase}"), std::string::npos);
  EXPECT_FALSE(valid_json_path("{.items[*].name}", &why));
  EXPECT_FALSE(valid_json_path("{.a..b}", &why));
  EXPECT_TRUE(valid_json_path("{.status.conditions[1].status}", &why));
}

}  // namespace
}  // namespace podctl
