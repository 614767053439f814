// Failure paths: each is a clear error, and nothing of the failed pod is left behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

class Failure : public PodctlTest {
 protected:
  int ipam_files() const {
    int n = 0;
    if (std::filesystem::exists(env_->root() + "/ipam"))
      for (const auto& e : std::filesystem::directory_iterator(env_->root() + "/ipam"))
        n += e.path().filename().string().find("last_reserved") == std::string::npos;
    return n;
  }
};

TEST_F(Failure, AMissingBinaryIsTheContainersStartErrorThenCrashLoopBackOff) {
  RunResult r = env_->apply(pod_yaml("nobin", "  - name: a\n    image: busybox:1.35\n    command: [\"/bin/nope\"]\n"));
  ASSERT_EQ(r.rc, 0) << r.err;  // the pod exists; its container cannot start, as on a cluster
  json pod = env_->pod("nobin");
  const json& cs = pod["status"]["containerStatuses"][0];
  const json& last = cs["state"].contains("terminated") ? cs["state"]["terminated"] : cs["lastState"]["terminated"];
  EXPECT_EQ(last["reason"], "StartError");
  EXPECT_EQ(last["message"], "exec \"/bin/nope\": No such file or directory");
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"get", "pods"}).out.find("CrashLoopBackOff") != std::string::npos;
  }));
  RunResult in_path =
      env_->apply(pod_yaml("nopath", "  - name: a\n    image: busybox:1.35\n    command: [\"nope\"]\n"));
  ASSERT_EQ(in_path.rc, 0);
  json p2 = env_->pod("nopath")["status"]["containerStatuses"][0];
  std::string msg = (p2["state"].contains("terminated") ? p2["state"] : p2["lastState"])["terminated"]["message"];
  EXPECT_EQ(msg, "exec: \"nope\": executable file not found in $PATH");
}

TEST_F(Failure, ABadWorkingDirIsReportedByTheChild) {
  ASSERT_EQ(
      env_
          ->apply(pod_yaml(
              "badwd", "  - name: a\n    image: busybox:1.35\n    command: [\"true\"]\n    workingDir: /no/such/dir\n"))
          .rc,
      0);
  json cs = env_->pod("badwd")["status"]["containerStatuses"][0];
  std::string msg = (cs["state"].contains("terminated") ? cs["state"] : cs["lastState"])["terminated"]["message"];
  EXPECT_EQ(msg, "chdir to working directory \"/no/such/dir\": No such file or directory");
}

TEST_F(Failure, AnImageThatCannotBePulledIsErrImagePullThenImagePullBackOff) {
  // Nothing listens on 127.0.0.1:9: the pull fails at once, and nothing leaves the machine.
  RunResult r =
      env_->podctl({"apply", "--restart-backoff", "1s:4s", "-f", "-"},
                   pod_yaml("noimg", "  - name: a\n    image: 127.0.0.1:9/nothing:1\n    command: [\"true\"]\n",
                            "  terminationGracePeriodSeconds: 0\n"));
  EXPECT_EQ(r.rc, 0) << r.err;
  auto reason = [&] {
    return env_->pod("noimg")["status"]["containerStatuses"][0]["state"]["waiting"].value("reason", "");
  };
  EXPECT_TRUE(env_->eventually([&] { return reason() == "ErrImagePull" || reason() == "ImagePullBackOff"; }));
  EXPECT_TRUE(env_->eventually([&] { return reason() == "ImagePullBackOff"; }));
  std::string events = env_->podctl({"describe", "pod", "noimg"}).out;
  EXPECT_NE(events.find("Failed to pull image \"127.0.0.1:9/nothing:1\""), std::string::npos) << events;
  EXPECT_NE(events.find("Back-off pulling image \"127.0.0.1:9/nothing:1\""), std::string::npos) << events;
  EXPECT_EQ(env_->pod("noimg")["status"]["phase"], "Pending");
}

TEST_F(Failure, APullOfAMistypedNameSuggestsTheLocalImage) {
  // Nothing listens on 127.0.0.1:9: the pull fails at once, and nothing leaves the machine.
  ASSERT_EQ(env_->podctl({"image", "tag", "busybox:1.35", "127.0.0.1:9/busybox:1.35"}).rc, 0);
  RunResult r = env_->podctl({"image", "pull", "127.0.0.1:9/busybx:1.35"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("(did you mean the local image \"127.0.0.1:9/busybox:1.35\"? podctl image ls lists them)\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line: it becomes the pod's reason
}

TEST_F(Failure, PullPolicyNeverWithoutTheImageIsErrImageNeverPull) {
  ASSERT_EQ(
      env_
          ->apply(pod_yaml(
              "never", "  - name: a\n    image: busybox:9.99\n    imagePullPolicy: Never\n    command: [\"true\"]\n",
              "  terminationGracePeriodSeconds: 0\n"))
          .rc,
      0);
  json waiting = env_->pod("never")["status"]["containerStatuses"][0]["state"]["waiting"];
  EXPECT_EQ(waiting["reason"], "ErrImageNeverPull");
  EXPECT_EQ(waiting["message"], "Container image \"busybox:9.99\" is not present with pull policy of Never");
}

TEST_F(Failure, AFullSubnetIsAClearErrorAndLeavesNothing) {
  // Tests get a /24; fill it with a tiny one instead: a separate root with a /29 has 5 addresses.
  PodctlEnv small;
  RunResult imp = small.podctl(
      {"image", "import", "busybox:1.35", std::string("/tmp/podctl-test-busybox-") + std::to_string(::getpid())});
  ASSERT_EQ(imp.rc, 0) << imp.err;
  std::string subnet = small.subnet();
  subnet.replace(subnet.rfind('/'), 3, "/29");
  auto podctl29 = [&](std::vector<std::string> args, const std::string& in = "") {
    std::vector<std::string> argv = {PODCTL_BINARY,  "--root",   small.root(), "--bridge",
                                     small.bridge(), "--subnet", subnet};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, in);
  };
  const std::string c = "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n";
  for (int i = 0; i < 5; ++i) {
    RunResult r = podctl29({"apply", "-f", "-"}, pod_yaml("p" + std::to_string(i), c));
    ASSERT_EQ(r.rc, 0) << r.err;
  }
  RunResult full = podctl29({"apply", "-f", "-"}, pod_yaml("p5", c));
  EXPECT_EQ(full.rc, 1);
  EXPECT_NE(full.err.find("no free address left in subnet"), std::string::npos) << full.err;
  EXPECT_FALSE(std::filesystem::exists(small.root() + "/pods/default/p5"));
  EXPECT_EQ(HostSnapshot::take(small.bridge()).veths, 5);
  EXPECT_EQ(podctl29({"delete", "pods", "--all", "--grace-period", "0"}).rc, 0);
  EXPECT_EQ(HostSnapshot::take(small.bridge()).veths, 0);
}

TEST_F(Failure, ABridgeNameTakenByAnotherLinkIsRefused) {
  PodctlEnv other;
  ASSERT_EQ(sh("ip link add " + other.bridge() + " type veth peer name " + other.bridge() + "p").rc, 0);
  RunResult r = other.podctl({"apply", "-f", "-"},
                             pod_yaml("x", "  - name: a\n    image: busybox:1.35\n    command: [\"true\"]\n"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("is not a bridge"), std::string::npos) << r.err;
  sh("ip link del " + other.bridge());
}

TEST_F(Failure, AConflictingSubnetForAnExistingRootIsRefused) {
  ASSERT_EQ(
      env_->apply(pod_yaml("first", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"60\"]\n")).rc, 0);
  RunResult r = run_program({PODCTL_BINARY, "--root", env_->root(), "--subnet", "10.250.0.0/24", "get", "pods"});
  EXPECT_EQ(r.rc, 0);  // reading is fine
  RunResult a = run_program({PODCTL_BINARY, "--root", env_->root(), "--subnet", "10.250.0.0/24", "apply", "-f", "-"},
                            pod_yaml("second", "  - name: a\n    image: busybox:1.35\n    command: [\"true\"]\n"));
  EXPECT_EQ(a.rc, 1);
  EXPECT_NE(a.err.find("uses subnet " + env_->subnet() + ", not 10.250.0.0/24"), std::string::npos) << a.err;
}

// The kubelet's termination messages: what the container wrote at terminationMessagePath (by any
// user, at any path), or with FallbackToLogsOnError the end of its log when it failed.
TEST_F(Failure, TerminationMessagesComeFromTheFileOrTheLogsEnd) {
  ASSERT_EQ(env_->apply(pod_yaml("term", R"(  - name: file
    image: busybox:1.35
    command: [sh, -c, "echo 'database unreachable' > /dev/termination-log; exit 3"]
  - name: logs
    image: busybox:1.35
    command: [sh, -c, "for i in $(seq 1 100); do echo line $i; done; exit 2"]
    terminationMessagePolicy: FallbackToLogsOnError
  - name: succeeded
    image: busybox:1.35
    command: [sh, -c, "echo only logs; exit 0"]
    terminationMessagePolicy: FallbackToLogsOnError
  - name: custom
    image: busybox:1.35
    command: [sh, -c, "echo done > /tmp/status"]
    terminationMessagePath: /tmp/status
    securityContext: {runAsUser: 1000}
)",
                                 "  restartPolicy: Never\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] {
    json pod = env_->pod("term");
    return pod["status"]["phase"] == "Failed";
  }));
  std::map<std::string, json> terminated;
  json statuses = env_->pod("term")["status"]["containerStatuses"];
  for (const auto& c : statuses) terminated[c["name"].get<std::string>()] = c["state"]["terminated"];
  EXPECT_EQ(terminated["file"]["message"], "database unreachable\n");
  std::string tail;
  for (int i = 21; i <= 100; ++i) tail += "line " + std::to_string(i) + "\n";  // the last 80 lines
  EXPECT_EQ(terminated["logs"]["message"], tail);
  EXPECT_FALSE(terminated["succeeded"].contains("message"));  // the logs only stand in for a failure
  EXPECT_EQ(terminated["custom"]["message"], "done\n");
  EXPECT_EQ(env_->pod("term")["spec"]["containers"][0]["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(env_->pod("term")["spec"]["containers"][0]["terminationMessagePolicy"], "File");
}

}  // namespace
}  // namespace podctl::test
