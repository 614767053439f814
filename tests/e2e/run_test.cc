// podctl run: one-shot CI jobs in namespaces of their own, torn down whatever happens.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

const char* kJob = R"(apiVersion: v1
kind: Pod
metadata:
  name: api
  labels:
    app: api
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: httpd
    image: busybox:1.35
    command: ["sh", "-c", "mkdir -p /www && echo pong > /www/ping && exec httpd -f -p 8080 -h /www"]
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
  - port: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: tests
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  initContainers:
  - name: wait-for-api
    image: busybox:1.35
    command: ["sh", "-c", "until timeout 2 wget -q -O - http://api:8080/ping; do sleep 0.2; done"]
  containers:
  - name: test
    image: busybox:1.35
    command: ["sh", "-c", "test \"$(timeout 2 wget -q -O - http://api:8080/ping)\" = pong && echo passed; exit EXIT"]
)";

class Run : public PodctlTest {
 protected:
  std::string job_file(int exit_code) {
    std::string text = kJob;
    text.replace(text.find("EXIT"), 4, std::to_string(exit_code));
    std::string path = env_->root() + "-job" + std::to_string(exit_code) + ".yaml";
    std::ofstream(path) << text;
    files_.push_back(path);
    return path;
  }
  std::string command(const std::string& args) const {
    return std::string(PODCTL_BINARY) + " --root " + env_->root() + " --bridge " + env_->bridge() + " --subnet " +
           env_->subnet() + " run " + args;
  }
  // Nothing of any run is left: no pod, no namespace directory.
  void expect_nothing_left() {
    EXPECT_EQ(env_->podctl({"get", "pods", "-A", "-o", "name"}).out, "");
    for (const char* dir : {"/pods", "/configmaps", "/secrets"}) {
      if (!std::filesystem::exists(env_->root() + dir)) continue;
      for (const auto& e : std::filesystem::directory_iterator(env_->root() + dir)) {
        EXPECT_NE(e.path().filename().string().rfind("run-", 0), 0u) << e.path();
      }
    }
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
    PodctlTest::TearDown();
  }
  std::vector<std::string> files_;
};

TEST_F(Run, StreamsPrefixedLogsSummarizesAndExitsWithTheJobsCode) {
  RunResult r = sh(command("-f " + job_file(3)));
  EXPECT_EQ(r.rc, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("[pod/tests/wait-for-api] pong\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[pod/tests/test] passed\n"), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("[pod/tests/wait-for-api] pong\n"), r.out.find("[pod/tests/test] passed\n")) << r.out;
  EXPECT_NE(r.out.find("pod/tests/test: exit 3 (Error)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pod/api/httpd: running (service)\n"), std::string::npos) << r.out;
  expect_nothing_left();
}

TEST_F(Run, TwoRunsOfTheSameFilesAtOnceBothPassAndLeaveNothing) {
  HostSnapshot before = HostSnapshot::take(env_->bridge());
  std::string file = job_file(0);
  std::string out = env_->root() + "-runs";
  RunResult r = sh("(" + command("-f " + file) + " > " + out + "1 2>&1; echo $? >> " + out + "1) & (" +
                   command("-f " + file) + " > " + out + "2 2>&1; echo $? >> " + out + "2) & wait");
  for (const char* n : {"1", "2"}) {
    std::ifstream in(out + n);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(all.find("pod/tests/test: exit 0 (Completed)\n"), std::string::npos) << all;
    EXPECT_EQ(all.substr(all.size() - 3), "\n0\n") << all;
    std::filesystem::remove(out + n);
  }
  expect_nothing_left();
  HostSnapshot after = HostSnapshot::take(env_->bridge());
  EXPECT_EQ(after.veths, before.veths);
  EXPECT_EQ(after.mounts, before.mounts);
}

TEST_F(Run, ATimeoutOrASigtermTearsEverythingDown) {
  std::string text = kJob;
  text.replace(text.find("EXIT"), 4, "0");
  text.replace(text.find("echo passed"), 11, "sleep 600");
  std::string path = env_->root() + "-slow.yaml";
  std::ofstream(path) << text;
  files_.push_back(path);
  RunResult timed_out = sh(command("--timeout 2s -f " + path));
  EXPECT_EQ(timed_out.rc, 124) << timed_out.out << timed_out.err;
  EXPECT_NE(timed_out.err.find("timed out after 2s waiting for pod/tests"), std::string::npos) << timed_out.err;
  expect_nothing_left();
  RunResult killed =
      sh("(" + command("-f " + path) + ") > /dev/null 2>&1 & pid=$!; sleep 2; kill -TERM $pid; wait $pid; echo $?");
  EXPECT_EQ(killed.out, "143\n");
  expect_nothing_left();
}

// A job that never ends beside a service that ignores SIGTERM and has a grace period of 60 s.
std::string stubborn_job() {
  std::string text = kJob;
  text.replace(text.find("EXIT"), 4, "0");
  text.replace(text.find("echo passed"), 11, "sleep 600");
  const std::string serve = "exec httpd -f -p 8080 -h /www";
  text.replace(text.find(serve), serve.size(), "httpd -p 8080 -h /www; trap '' TERM; while true; do sleep 1; done");
  text.replace(text.find("terminationGracePeriodSeconds: 0"), 32, "terminationGracePeriodSeconds: 60");
  return text;
}

// Ctrl-C reaches the whole process group. The first starts a graceful teardown; a second one kills
// the pods at once, and still removes everything, saying what it killed.
TEST_F(Run, ASecondCtrlCKillsAtOnceAndStillRemovesEverything) {
  std::string path = env_->root() + "-ctrlc.yaml";
  std::ofstream(path) << stubborn_job();
  files_.push_back(path);
  std::string out = env_->root() + "-ctrlc.out";
  files_.push_back(out);
  auto start = std::chrono::steady_clock::now();
  // setsid: a process group of its own, as a shell gives a foreground job; the run leads it.
  RunResult r = sh("setsid " + command("-f " + path) + " > " + out +
                   " 2>&1 & pid=$!; sleep 3; kill -INT -$pid; sleep 1; kill -INT -$pid; wait $pid; echo $?");
  auto took = std::chrono::steady_clock::now() - start;
  std::ifstream in(out);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.out, "130\n") << said;
  EXPECT_NE(said.find("Ctrl-C again kills them at once"), std::string::npos) << said;
  EXPECT_NE(said.find("interrupted again: killing the run's pods at once"), std::string::npos) << said;
  EXPECT_NE(said.find("pod/api/httpd: killed at once (no grace period)"), std::string::npos) << said;
  // Not the service's 60 s grace period.
  EXPECT_LT(took, std::chrono::seconds(30)) << said;
  expect_nothing_left();
}

// --timeout bounds the teardown too: once it has passed, the pods are killed at once.
TEST_F(Run, ATimeoutBoundsTheTeardownToo) {
  std::string path = env_->root() + "-stubborn.yaml";
  std::ofstream(path) << stubborn_job();
  files_.push_back(path);
  auto start = std::chrono::steady_clock::now();
  RunResult r = sh(command("--timeout 4s -f " + path));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.rc, 124) << r.out << r.err;
  EXPECT_NE(r.err.find("the run's timeout has passed: killing the run's pods at once"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("pod/api/httpd: killed at once (no grace period)"), std::string::npos) << r.out;
  EXPECT_LT(took, std::chrono::seconds(30)) << r.out << r.err;
  expect_nothing_left();
}

// Kubernetes ignores sidecars' exit codes for the pod's outcome: one that ignores SIGTERM and is
// killed (137) once the job is done does not fail the run.
TEST_F(Run, ASidecarKilledAtTheEndDoesNotFailTheJob) {
  std::string path = env_->root() + "-sidecar.yaml";
  std::ofstream(path) << R"(apiVersion: v1
kind: Pod
metadata:
  name: job
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
  - name: service
    image: busybox:1.35
    restartPolicy: Always
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
  containers:
  - name: test
    image: busybox:1.35
    command: ["sh", "-c", "echo passed"]
)";
  files_.push_back(path);
  RunResult r = sh(command("-f " + path));
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pod/job/service: exit 137 (Error)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pod/job/test: exit 0 (Completed)\n"), std::string::npos) << r.out;
  expect_nothing_left();
}

}  // namespace
}  // namespace podctl::test
