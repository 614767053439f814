// Attacks through command-line names: a pod, ConfigMap or namespace name that is a path. Every
// name from the command line or the environment is checked (exit 2) before a path is built.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

class NameAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    PODCTL_REQUIRE_ROOT();
    env_ = std::make_unique<PodctlEnv>();
    fs::create_directories(env_->root() + "/pods/default");
    fs::create_directories(env_->root() + "/configmaps/default");
    victim_ = std::make_unique<Victim>(env_->root() + "/victim");
  }
  void expect_refused(const std::vector<std::string>& args, const std::string& message) {
    RunResult r = env_->podctl(args);
    EXPECT_EQ(r.rc, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("deleted"), std::string::npos) << r.out;
    EXPECT_TRUE(victim_->intact()) << victim_->damage();
  }
  std::unique_ptr<PodctlEnv> env_;
  std::unique_ptr<Victim> victim_;
};

TEST_F(NameAttack, PodNameThatIsAPathIsRefused) {
  ASSERT_TRUE(fs::equivalent(env_->root() + "/pods/default/../../victim", victim_->dir())) << "control";
  expect_refused({"delete", "pod", "../../victim", "--grace-period", "0"}, "invalid pod name \"../../victim\"");
  expect_refused({"describe", "pod", "../../victim"}, "invalid pod name");
  expect_refused({"logs", "../../victim"}, "invalid pod name");
  expect_refused({"exec", "../../victim", "--", "true"}, "invalid pod name");
  expect_refused({"inspect", "../../victim"}, "invalid pod name");
  expect_refused({"get", "pod", "../../victim"}, "invalid pod name");
  expect_refused({"wait", "pod/../../victim", "--for=delete", "--timeout", "1s"}, "invalid pod name");
}

TEST_F(NameAttack, NamespaceThatIsAPathIsRefused) {
  ASSERT_TRUE(fs::equivalent(env_->root() + "/pods/../victim", victim_->dir())) << "control";
  expect_refused({"-n", "../victim", "delete", "pods", "--all"}, "invalid namespace \"../victim\"");
  expect_refused({"get", "pods", "-n", "../victim"}, "invalid namespace");
  ::setenv("PODCTL_NAMESPACE", "../victim", 1);
  expect_refused({"get", "pods"}, "PODCTL_NAMESPACE");
  ::unsetenv("PODCTL_NAMESPACE");
}

TEST_F(NameAttack, ConfigMapAndContainerNamesThatArePathsAreRefused) {
  expect_refused({"delete", "configmap", "../../victim/precious"}, "invalid configmap name");
  expect_refused({"delete", "secret", "../x"}, "invalid secret name");
  expect_refused({"logs", "web", "-c", "../../../victim"}, "invalid container name");
}

}  // namespace
}  // namespace podctl::test
