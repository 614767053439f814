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

// What kubectl users type: [*], ranges with text, filters, slices, recursive descent, literals.
TEST(JsonPath, KubectlTemplatesOverLists) {
  auto list = nlohmann::json::parse(R"({"kind": "List", "items": [
    {"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "shop"}},
     "spec": {"containers": [{"name": "httpd", "image": "busybox:1.35"}, {"name": "log", "image": "busybox:1.36"}]},
     "status": {"phase": "Running", "podIP": "10.0.0.2", "restarts": 3}},
    {"metadata": {"name": "db"}, "spec": {"containers": [{"name": "pg", "image": "postgres"}]},
     "status": {"phase": "Pending", "restarts": 0}}]})");
  EXPECT_EQ(json_path_value(list, "{.items[*].metadata.name}"), "web db");
  EXPECT_EQ(json_path_value(list, "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"),
            "web\tRunning\ndb\tPending\n");
  EXPECT_EQ(json_path_value(list, "{.items[?(@.status.phase==\"Running\")].metadata.name}"), "web");
  EXPECT_EQ(json_path_value(list, "{.items[?(@.status.restarts > 1)].metadata.name}"), "web");
  EXPECT_EQ(json_path_value(list, "{.items[?(@.status.podIP)].status.podIP}"), "10.0.0.2");
  EXPECT_EQ(json_path_value(list, "{.items[-1].metadata.name}"), "db");
  EXPECT_EQ(json_path_value(list, "{.items[0:1].metadata.name}"), "web");
  EXPECT_EQ(json_path_value(list, "{..image}"), "busybox:1.35 busybox:1.36 postgres");
  EXPECT_EQ(json_path_value(list, "{.items[0].metadata.labels['app.kubernetes.io/name']}"), "shop");
  EXPECT_EQ(json_path_value(list, "{$.kind}"), "List");
  EXPECT_EQ(json_path_value(list, "names: {.items[*].metadata.name}"), "names: web db");
  EXPECT_EQ(json_path_value(list, "{.items[0].spec.containers[*].name}"), "httpd log");
  EXPECT_EQ(json_path_value(list, "{.items[5].metadata.name}"), std::nullopt);  // nothing: wait keeps waiting
  EXPECT_EQ(json_path_value(list, "x{.items[5].metadata.name}y"), "xy");
}

TEST(JsonPath, RejectsWhatIsNotATemplate) {
  std::string why;
  EXPECT_FALSE(valid_json_path(".status.phase", &why));
  EXPECT_NE(why.find("must look like {.status.phase}"), std::string::npos);
  EXPECT_FALSE(valid_json_path("{.items[x]}", &why));
  EXPECT_NE(why.find("[x] is not an index, a slice, * or a filter"), std::string::npos) << why;
  EXPECT_FALSE(valid_json_path("{range .items[*]}{.a}", &why));
  EXPECT_NE(why.find("{range} without {end}"), std::string::npos) << why;
  EXPECT_FALSE(valid_json_path("{.a", &why));
  EXPECT_FALSE(valid_json_path("{.items[?(@.a ~ 1)]}", &why));
  EXPECT_TRUE(valid_json_path("{.status.conditions[1].status}", &why));
}

}  // namespace
}  // namespace podctl
