// Hostile input that once crashed podctl or a supervisor: huge YAML scalars (std::regex recursed
// per character), invalid UTF-8 from a container (the JSON writer threw), mistyped image configs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/image/image_document.h"
#include "tests/support/podctl_env.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string pod_with(const std::string& field_line) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: "
         "busybox:1.35\n"
         "    " +
         field_line + "\n";
}

TEST(InputAttack, HugeScalarsAreErrorsNotCrashes) {
  const std::string digits(40000, '1');
  for (const std::string& line : {"terminationMessagePath: " + digits, "command: [" + digits + "]",
                                  "env: [{name: " + std::string(100000, 'A') + ", value: x}]",
                                  "workingDir: " + std::string(100000, '.'), "image: " + std::string(100000, 'a')}) {
    auto r = load_yaml(pod_with(line));  // must return, with or without errors
    (void)r;
  }
  auto r = load_yaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + std::string(50000, 'a') +
                     "\nspec:\n  containers: [{name: c, image: busybox:1.35}]\n");
  EXPECT_NE(errors_of(r).find("must be no more than 253 characters"), std::string::npos) << errors_of(r);
}

TEST(InputAttack, MistypedImageConfigFieldsAreErrorsNotExceptions) {
  for (const json& settings : {json{{"User", 1000}}, json{{"Env", "PATH=/bin"}}, json{{"Cmd", {1, 2}}},
                               json{{"WorkingDir", json::object()}}}) {
    auto r = config_settings(json{{"config", settings}});
    ASSERT_FALSE(r.has_value()) << settings.dump();
    EXPECT_NE(r.error().message.find("the image config's config."), std::string::npos) << r.error().message;
  }
  for (const json& bad : {json{{"rootfs", {{"diff_ids", "x"}}}}, json{{"rootfs", {{"diff_ids", {7}}}}}, json::array()})
    EXPECT_FALSE(config_diff_ids(bad).has_value()) << bad.dump();
  EXPECT_FALSE(manifest_blobs(json{{"config", {{"digest", 5}}}}).has_value());
  EXPECT_FALSE(
      manifest_blobs(json{{"config", {{"digest", "sha256:" + std::string(64, 'a')}}}, {"layers", "x"}}).has_value());
}

class SupervisorAttack : public PodctlTest {};

TEST_F(SupervisorAttack, InvalidUtf8FromAnExecProbeDoesNotStopTheSupervisor) {
  ASSERT_EQ(
      env_->podctl(
              {"apply", "--restart-backoff", "1s:2s", "-f", "-"},
              pod_yaml("utf",
                       "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                       "    livenessProbe:\n      exec: {command: [sh, -c, \"printf '\\\\377\\\\376 bad'; exit 1\"]}\n"
                       "      periodSeconds: 1\n      failureThreshold: 1\n",
                       "  terminationGracePeriodSeconds: 0\n"))
          .rc,
      0);
  // The probe fails, its output (not UTF-8) goes into an Unhealthy event, the container restarts:
  // all of it needs a supervisor that is still there.
  ASSERT_TRUE(env_->eventually(
      [&] {
        auto pod = env_->pod("utf");
        auto statuses = pod["status"].value("containerStatuses", json::array());
        return !statuses.empty() && statuses[0].value("restartCount", 0) >= 2;
      },
      std::chrono::seconds(30)))
      << env_->podctl({"describe", "pod", "utf"}).out;
  EXPECT_NE(env_->pod("utf")["status"].value("phase", ""), "Unknown");
  RunResult described = env_->podctl({"describe", "pod", "utf"});
  EXPECT_NE(described.out.find("\xEF\xBF\xBD"), std::string::npos) << "invalid bytes become U+FFFD\n" << described.out;
  EXPECT_EQ(described.out.find("SupervisorError"), std::string::npos) << described.out;
}

TEST_F(SupervisorAttack, AnImageConfigWithANumberForUserIsRefusedAtImport) {
  std::string dir = env_->root() + "/archive";
  fs::create_directories(dir + "/files");
  std::ofstream(dir + "/files/hello") << "hello\n";
  ASSERT_EQ(sh("tar -C " + dir + "/files -cf " + dir + "/layer.tar hello").rc, 0);
  std::string diff_id = "sha256:" + sh("sha256sum " + dir + "/layer.tar | cut -c1-64").out.substr(0, 64);
  std::ofstream(dir + "/config.json") << json{{"architecture", "amd64"},
                                              {"os", "linux"},
                                              {"config", {{"User", 1000}}},
                                              {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id}}}}}
                                             .dump();
  std::ofstream(dir + "/manifest.json")
      << json::array({{{"Config", "config.json"}, {"RepoTags", {"odd:1"}}, {"Layers", {"layer.tar"}}}}).dump();
  RunResult r = env_->podctl({"image", "import", "odd:1", dir});
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("the image config's config.User is not a string"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace podctl::test
