// Probes (startup, liveness, readiness over exec, httpGet and tcpSocket), lifecycle hooks and
// sidecar containers, on real pods.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class Probes : public PodctlTest {
 protected:
  RunResult apply_fast(const std::string& manifest) const {
    return env_->podctl({"apply", "--restart-backoff", "1s:4s", "-f", "-"}, manifest);
  }
  json status(const std::string& pod, size_t i = 0) const { return env_->pod(pod)["status"]["containerStatuses"][i]; }
  std::string describe(const std::string& pod) const { return env_->podctl({"describe", "pod", pod}).out; }
  std::string ready_column(const std::string& pod) const {
    std::istringstream rows(env_->podctl({"get", "pod", pod, "--no-headers"}).out);
    std::string name, ready;
    rows >> name >> ready;
    return ready;
  }
  double seconds_to_delete(const std::string& pod) const {
    auto start = std::chrono::steady_clock::now();
    RunResult del = env_->podctl({"delete", "pod", pod});
    EXPECT_EQ(del.rc, 0) << del.err;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

TEST_F(Probes, AFailingLivenessProbeRestartsTheContainer) {
  // Healthy for a second, then the exec probe's file goes away.
  ASSERT_EQ(apply_fast(pod_yaml("sick", R"(  - name: a
    image: busybox:1.35
    command: ["sh", "-c", "touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 600"]
    livenessProbe:
      exec:
        command: ["cat", "/tmp/healthy"]
      periodSeconds: 1
      failureThreshold: 2
)",
                                "  terminationGracePeriodSeconds: 2\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return status("sick")["restartCount"].get<int>() >= 1; }, seconds(30)));
  EXPECT_EQ(status("sick")["lastState"]["terminated"]["reason"], "Error");
  std::string events = describe("sick");
  EXPECT_NE(events.find("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"),
            std::string::npos)
      << events;
  EXPECT_NE(events.find("Container a failed liveness probe, will be restarted"), std::string::npos) << events;
}

TEST_F(Probes, ReadinessOverHttpFlipsReadyBothWays) {
  ASSERT_EQ(env_->apply(pod_yaml("web", R"(  - name: web
    image: busybox:1.35
    command: ["sh", "-c", "mkdir -p /www && exec httpd -f -p 8080 -h /www"]
    ports:
    - name: http
      containerPort: 8080
    readinessProbe:
      httpGet:
        path: /ready
        port: http
      periodSeconds: 1
)",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return status("web")["started"] == true; }));
  EXPECT_EQ(ready_column("web"), "0/1");
  EXPECT_EQ(status("web")["ready"], false);
  ASSERT_TRUE(env_->eventually([&] {
    return describe("web").find("Readiness probe failed: HTTP probe failed with statuscode: 404") != std::string::npos;
  }));
  ASSERT_EQ(env_->podctl({"exec", "web", "--", "touch", "/www/ready"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return ready_column("web") == "1/1"; }));
  json pod = env_->pod("web");
  for (const auto& c : pod["status"]["conditions"]) {
    if (c["type"] == "Ready") {
      EXPECT_EQ(c["status"], "True");
    }
  }
  ASSERT_EQ(env_->podctl({"exec", "web", "--", "rm", "/www/ready"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return ready_column("web") == "0/1"; }));
  // Wait for a readiness condition as a CI job would.
  RunResult wait = env_->podctl({"wait", "pod/web", "--for=condition=Ready", "--timeout=1s"});
  EXPECT_EQ(wait.rc, 1);
}

TEST_F(Probes, AStartupProbeOverTcpGatesStartedAndReady) {
  ASSERT_EQ(env_->apply(pod_yaml("slow", R"(  - name: db
    image: busybox:1.35
    command: ["sh", "-c", "sleep 2; exec nc -ll -p 5432 -e true"]
    startupProbe:
      tcpSocket:
        port: 5432
      periodSeconds: 1
      failureThreshold: 30
)",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  EXPECT_EQ(status("slow")["started"], false);
  EXPECT_EQ(ready_column("slow"), "0/1");
  auto start = std::chrono::steady_clock::now();
  RunResult wait = env_->podctl({"wait", "pod/slow", "--for=condition=Ready", "--timeout=20s"});
  EXPECT_EQ(wait.rc, 0) << wait.out << wait.err;
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  EXPECT_EQ(status("slow")["started"], true);
  EXPECT_NE(describe("slow").find("Startup probe failed: dial tcp"), std::string::npos);
}

TEST_F(Probes, PostStartRunsBeforeTheContainerCountsAsRunning) {
  ASSERT_EQ(env_->apply(pod_yaml("hooked", R"(  - name: a
    image: busybox:1.35
    command: ["sh", "-c", "until [ -f /tmp/post ]; do sleep 0.1; done; echo saw $(cat /tmp/post); exec sleep 600"]
    lifecycle:
      postStart:
        exec:
          command: ["sh", "-c", "sleep 1; echo hook > /tmp/post"]
)",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  EXPECT_EQ(status("hooked")["state"]["waiting"]["reason"], "ContainerCreating");
  ASSERT_TRUE(env_->eventually([&] { return status("hooked")["state"].contains("running"); }));
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "hooked"}).out == "saw hook\n"; }));
}

TEST_F(Probes, AFailingPostStartHookKillsTheContainer) {
  ASSERT_EQ(apply_fast(pod_yaml("badhook", R"(  - name: a
    image: busybox:1.35
    command: ["sleep", "600"]
    lifecycle:
      postStart:
        exec:
          command: ["sh", "-c", "echo no; exit 1"]
)",
                                "  terminationGracePeriodSeconds: 1\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return status("badhook")["restartCount"].get<int>() >= 1; }, seconds(30)));
  std::string events = describe("badhook");
  EXPECT_NE(events.find("FailedPostStartHook"), std::string::npos) << events;
  EXPECT_NE(events.find("Exec lifecycle hook ([sh -c echo no; exit 1]) for Container \"a\" in Pod \"badhook_default("),
            std::string::npos)
      << events;
}

TEST_F(Probes, PreStopRunsBeforeSigtermAndCountsAgainstTheGracePeriod) {
  ASSERT_EQ(env_->apply(pod_yaml("bye", R"(  - name: a
    image: busybox:1.35
    command: ["sh", "-c", "trap 'echo TERM; exit 0' TERM; echo up; while true; do sleep 0.1; done"]
    lifecycle:
      preStop:
        exec:
          command: ["sh", "-c", "echo prestop > /proc/1/fd/1; sleep 1"]
)"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "bye"}).out == "up\n"; }));
  RunResult follow;
  std::thread logs([&] { follow = env_->podctl({"logs", "bye", "-f"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  double took = seconds_to_delete("bye");
  logs.join();
  EXPECT_EQ(follow.out, "up\nprestop\nTERM\n");
  EXPECT_GE(took, 1.0);
  EXPECT_LT(took, 2.5);
}

TEST_F(Probes, APreStopHookThatOverrunsGetsTwoMoreSecondsThenTheKill) {
  ASSERT_EQ(env_->apply(pod_yaml("slowbye", R"(  - name: a
    image: busybox:1.35
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]
    lifecycle:
      preStop:
        sleep:
          seconds: 10
)",
                                 "  terminationGracePeriodSeconds: 2\n"))
                .rc,
            0);
  double took = seconds_to_delete("slowbye");
  EXPECT_GE(took, 3.9);
  EXPECT_LT(took, 5.0);
}

const char* kSidecarPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: job
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
  initContainers:
  - name: proxy
    image: busybox:1.35
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo TERM; exit 0' TERM; touch /dev/shm/proxy; while true; do sleep 0.1; done"]
    startupProbe:
      exec:
        command: ["test", "-f", "/dev/shm/proxy"]
      periodSeconds: 1
  - name: logger
    image: busybox:1.35
    restartPolicy: Always
    command: ["sh", "-c", "trap 'echo TERM; exit 0' TERM; while true; do sleep 0.1; done"]
  - name: prepare
    image: busybox:1.35
    command: ["sh", "-c", "test -f /dev/shm/proxy && echo prepared"]
  containers:
  - name: main
    image: busybox:1.35
    command: ["sh", "-c", "trap 'echo TERM; exit 0' TERM; echo working; sleep 1; echo done"]
)";

TEST_F(Probes, SidecarsStartInOrderOutliveTheJobAndStopAfterIt) {
  ASSERT_EQ(env_->apply(kSidecarPod).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("job")["status"]["phase"] == "Running"; }));
  EXPECT_EQ(ready_column("job"), "3/3");
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("job")["status"]["phase"] == "Succeeded"; }));
  json pod = env_->pod("job");
  EXPECT_EQ(env_->podctl({"logs", "job", "-c", "prepare"}).out, "prepared\n");
  // Once the job is done the sidecars are stopped, the last one first.
  ASSERT_TRUE(env_->eventually([&] {
    json p = env_->pod("job");
    return p["status"]["initContainerStatuses"][0]["state"].contains("terminated") &&
           p["status"]["initContainerStatuses"][1]["state"].contains("terminated");
  }));
  pod = env_->pod("job");
  std::string proxy_end = pod["status"]["initContainerStatuses"][0]["state"]["terminated"]["finishedAt"];
  std::string logger_end = pod["status"]["initContainerStatuses"][1]["state"]["terminated"]["finishedAt"];
  EXPECT_LE(logger_end, proxy_end);
  EXPECT_EQ(env_->podctl({"logs", "job", "-c", "logger"}).out, "TERM\n");
  EXPECT_EQ(pod["status"]["initContainerStatuses"][0]["restartCount"], 0);
  EXPECT_NE(env_->podctl({"get", "pods"}).out.find("Completed"), std::string::npos);
}

TEST_F(Probes, DeletingAPodStopsTheMainContainersBeforeTheSidecarsInReverseOrder) {
  // The main container answers SIGTERM at once (a foreground `sleep 600` would hold the shell's
  // trap until the grace period ran out, and then the kubelet stops what is left all at once).
  std::string pod = kSidecarPod;
  const std::string finish = "sleep 1; echo done";
  pod.replace(pod.find(finish), finish.size(), "while true; do sleep 0.1; done");
  ASSERT_EQ(env_->apply(pod).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "job", "-c", "main"}).out == "working\n"; }));
  RunResult follow;
  std::thread logs([&] {
    follow = env_->podctl({"logs", "job", "--all-containers", "-f", "--timestamps", "--prefix"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  seconds_to_delete("job");
  logs.join();
  // Each TERM line carries the time it was written: main, then logger, then proxy.
  std::map<std::string, std::string> term_at;
  std::istringstream lines(follow.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string prefix, ts, text;
    in >> prefix >> ts >> text;
    if (text == "TERM") term_at[prefix] = ts;
  }
  ASSERT_EQ(term_at.size(), 3u) << follow.out;
  EXPECT_LT(term_at["[pod/job/main]"], term_at["[pod/job/logger]"]) << follow.out;
  EXPECT_LT(term_at["[pod/job/logger]"], term_at["[pod/job/proxy]"]) << follow.out;
}

}  // namespace
}  // namespace podctl::test
