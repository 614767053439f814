// podctl tests - run the podctl binary the way a user does, each test with its own root,
// bridge and subnet (so tests run in parallel and never touch a real install), cleaned up after.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace podctl::test {

struct RunResult {
  int rc = -1;
  std::string out;
  std::string err;
};

// Runs a program with arguments (no shell), optional stdin text; returns exit code and output.
RunResult run_program(const std::vector<std::string>& argv, const std::string& input = "");
// Runs a shell command line.
RunResult sh(const std::string& command);

// Root tests and e2e tests need root. Under PODCTL_REQUIRE_ROOT=1 (CI, the README's test command)
// a missing privilege fails the test instead of skipping it, so "all skipped" never looks green.
#define PODCTL_REQUIRE_ROOT()                                                          \
  do {                                                                                 \
    if (::geteuid() != 0) {                                                            \
      if (::podctl::test::root_required()) FAIL() << "this test needs root";           \
      GTEST_SKIP() << "needs root (set PODCTL_REQUIRE_ROOT=1 to make this a failure)"; \
    }                                                                                  \
  } while (0)
bool root_required();

class PodctlEnv {
 public:
  // A root dir, bridge name and /24 subnet unique to the running test.
  PodctlEnv();
  ~PodctlEnv();
  PodctlEnv(const PodctlEnv&) = delete;

  RunResult podctl(const std::vector<std::string>& args, const std::string& input = "") const;
  // podctl apply -f - with the manifest text; asserts success unless expect_rc is given.
  RunResult apply(const std::string& manifest) const;
  nlohmann::json pod(const std::string& name) const;  // get pod NAME -o json
  nlohmann::json inspect(const std::string& name) const;
  // Polls (test helper, not product code) until pred holds or the timeout passes.
  bool eventually(const std::function<bool()>& pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  // Imports the busybox test image (built once per test binary from Debian's busybox-static).
  void import_busybox(const std::string& ref = "busybox:1.35") const;

  const std::string& root() const { return root_; }
  const std::string& bridge() const { return bridge_; }
  const std::string& subnet() const { return subnet_; }
  const std::string& service_subnet() const { return service_subnet_; }
  std::string subnet_prefix() const { return subnet_.substr(0, subnet_.rfind('.') + 1); }  // "10.x.y."
  // A host port for this test (k < 4), unlikely to be used by any other test or the machine:
  // 10000-29999, below the kernel's ephemeral ports (32768-60999 by default), which any outgoing
  // connection of the machine may hold at the moment a test's server binds.
  int host_port(int k = 0) const { return 10000 + static_cast<int>(id_ % 5000) * 4 + k; }
  uint32_t id() const { return id_; }

 private:
  std::string root_, bridge_, subnet_, service_subnet_;
  uint32_t id_ = 0;
};

// True when the process has exited: gone, or a zombie (an orphan's zombie lingers until init,
// which on some machines never reaps, collects it).
bool process_gone(pid_t pid);

// Base of the end-to-end fixtures: a fresh environment with the busybox image imported.
class PodctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PODCTL_REQUIRE_ROOT();
    env_ = std::make_unique<PodctlEnv>();
    env_->import_busybox();
  }
  void TearDown() override { env_.reset(); }
  std::unique_ptr<PodctlEnv> env_;
};

// A whole pod manifest with the given containers YAML (indented as list items under containers:).
std::string pod_yaml(const std::string& name, const std::string& containers, const std::string& extra_spec = "");

// Host-wide objects that podctl tests could leave: used to assert that nothing leaks.
struct HostSnapshot {
  int veths = 0;
  int mounts = 0;
  static HostSnapshot take(const std::string& bridge);
};

}  // namespace podctl::test
