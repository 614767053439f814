// What the supervisor does over time: restarts with backoff, terminal phases, graceful stop,
// replacement on a changed spec, logs of the previous run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

class Lifecycle : public PodctlTest {
 protected:
  RunResult apply_fast(const std::string& manifest) const {
    // A shortened crash-loop backoff (the machine-wide setting), so that restarts take seconds.
    return env_->podctl({"apply", "--restart-backoff", "1s:4s", "-f", "-"}, manifest);
  }
  json status(const std::string& pod, size_t i = 0) const { return env_->pod(pod)["status"]["containerStatuses"][i]; }
};

TEST_F(Lifecycle, AFailingContainerRestartsWithGrowingBackoff) {
  ASSERT_EQ(apply_fast(
                pod_yaml("crash",
                         "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"echo run; exit 3\"]\n"))
                .rc,
            0);
  ASSERT_TRUE(
      env_->eventually([&] { return status("crash")["restartCount"].get<int>() >= 3; }, std::chrono::seconds(30)));
  json cs = status("crash");
  EXPECT_EQ(cs["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(cs["lastState"]["terminated"]["reason"], "Error");
  ASSERT_TRUE(env_->eventually([&] { return status("crash")["state"].contains("waiting"); }));
  EXPECT_EQ(status("crash")["state"]["waiting"]["reason"], "CrashLoopBackOff");
  RunResult get = env_->podctl({"get", "pods"});
  EXPECT_NE(get.out.find("CrashLoopBackOff"), std::string::npos) << get.out;
  RunResult describe = env_->podctl({"describe", "pod", "crash"});
  EXPECT_NE(describe.out.find("Back-off restarting failed container a in pod crash_default"), std::string::npos);
  // The event columns line up, however long a reason is (MissingClusterDNS, BackOff…).
  std::istringstream lines(describe.out.substr(describe.out.find("Events:\n") + 8));
  size_t message_column = std::string::npos;
  for (std::string line; std::getline(lines, line);) {
    size_t at = message_column == std::string::npos ? line.find("Message") : line.find("podctl") + 8;
    if (message_column == std::string::npos) {
      message_column = at;
    } else if (line.rfind("  ----", 0) != 0) {
      EXPECT_EQ(at, message_column) << line;
    }
  }
}

TEST_F(Lifecycle, OnFailureAndExitZeroSucceeds) {
  ASSERT_EQ(apply_fast(pod_yaml("ok", "  - name: a\n    image: busybox:1.35\n    command: [\"true\"]\n",
                                "  restartPolicy: OnFailure\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("ok")["status"]["phase"] == "Succeeded"; }));
  EXPECT_EQ(status("ok")["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(status("ok")["restartCount"], 0);
  EXPECT_NE(env_->podctl({"get", "pods"}).out.find("Completed"), std::string::npos);
}

TEST_F(Lifecycle, NeverAndExitFourFails) {
  ASSERT_EQ(
      apply_fast(pod_yaml("bad", "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"exit 4\"]\n",
                          "  restartPolicy: Never\n"))
          .rc,
      0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("bad")["status"]["phase"] == "Failed"; }));
  EXPECT_EQ(status("bad")["state"]["terminated"]["exitCode"], 4);
  EXPECT_EQ(status("bad")["restartCount"], 0);
}

TEST_F(Lifecycle, AGracePeriodIsWaitedThenTheContainerIsKilled) {
  // A shell as PID 1 that traps SIGTERM and keeps running: only SIGKILL at the deadline ends it.
  ASSERT_EQ(env_->apply(pod_yaml("stubborn",
                                 "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"trap 'echo got "
                                 "TERM' TERM; while true; do sleep 0.1; done\"]\n",
                                 "  terminationGracePeriodSeconds: 2\n"))
                .rc,
            0);
  auto start = std::chrono::steady_clock::now();
  std::string seen;
  std::thread watcher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    seen = env_->podctl({"get", "pods"}).out;
  });
  RunResult del = env_->podctl({"delete", "pod", "stubborn"});
  watcher.join();
  EXPECT_NE(seen.find("Terminating"), std::string::npos) << seen;
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(del.rc, 0) << del.err;
  EXPECT_GE(took, 2.0);
  EXPECT_LT(took, 3.5);
}

TEST_F(Lifecycle, AContainerThatStopsOnSigtermIsNotKeptWaiting) {
  ASSERT_EQ(env_->apply(pod_yaml("polite",
                                 "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"trap 'exit 0' "
                                 "TERM; while true; do sleep 0.1; done\"]\n"))
                .rc,
            0);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(env_->podctl({"delete", "pod", "polite"}).rc, 0);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.5);
}

// No command holds the root's lock while it waits for processes to end: a delete's grace period
// and a replacing apply's leave the root to other commands meanwhile.
TEST_F(Lifecycle, GracePeriodsUnderWayLeaveTheRootToOtherCommands) {
  auto stubborn = [](const std::string& name, const std::string& hostname) {
    return pod_yaml(name,
                    "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"trap '' TERM; while "
                    "true; do sleep 0.1; done\"]\n",
                    "  terminationGracePeriodSeconds: 4\n  hostname: " + hostname + "\n");
  };
  ASSERT_EQ(env_->apply(stubborn("deleted", "one")).rc, 0);
  ASSERT_EQ(env_->apply(stubborn("replaced", "one")).rc, 0);
  std::string old_uid = env_->pod("replaced")["metadata"]["uid"];
  std::atomic<bool> deleted{false}, replaced{false};
  RunResult del, replace;
  std::thread deleting([&] {
    del = env_->podctl({"delete", "pod", "deleted"});
    deleted = true;
  });
  // A pod-level field changed: the old pod's grace period comes first.
  std::thread replacing([&] {
    replace = env_->apply(stubborn("replaced", "two"));
    replaced = true;
  });
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"get", "pods"}).out.find("Terminating") != std::string::npos;
  }));
  RunResult other = env_->apply(pod_yaml("other", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n",
                                         "  terminationGracePeriodSeconds: 0\n"));
  RunResult gone = env_->podctl({"delete", "pod", "other", "--grace-period", "0"});
  // Both commands were done while the two grace periods still ran.
  EXPECT_FALSE(deleted);
  EXPECT_FALSE(replaced);
  deleting.join();
  replacing.join();
  EXPECT_EQ(other.rc, 0) << other.err;
  EXPECT_EQ(gone.rc, 0) << gone.err;
  EXPECT_EQ(del.rc, 0) << del.err;
  EXPECT_EQ(replace.out, "pod/replaced configured\n") << replace.err;
  EXPECT_NE(env_->pod("replaced")["metadata"]["uid"], old_uid);
  EXPECT_EQ(env_->podctl({"exec", "replaced", "--", "hostname"}).out, "two\n");
}

TEST_F(Lifecycle, ReapplyIsUnchangedUpdatesChangedContainersOrReplacesThePod) {
  // sleep as PID 1 ignores SIGTERM; a grace period of 0 keeps the restarts quick.
  auto manifest = [](const std::string& spec, const std::string& arg) {
    return pod_yaml("web",
                    "  - name: keep\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n"
                    "  - name: change\n    image: busybox:1.35\n    command: [\"sleep\", \"" +
                        arg + "\"]\n",
                    spec);
  };
  const std::string grace0 = "  terminationGracePeriodSeconds: 0\n";
  ASSERT_EQ(env_->apply(manifest(grace0, "601")).out, "pod/web created\n");
  json before = env_->inspect("web");
  std::string uid = env_->pod("web")["metadata"]["uid"];
  EXPECT_EQ(env_->apply(manifest(grace0, "601")).out, "pod/web unchanged\n");

  // Only a container changed: just that one restarts, in the same pod.
  RunResult update = env_->apply(manifest(grace0, "602"));
  EXPECT_EQ(update.out, "pod/web configured\n") << update.err;
  json after = env_->inspect("web");
  EXPECT_EQ(env_->pod("web")["metadata"]["uid"], uid);
  EXPECT_EQ(after["containers"]["keep"]["pid"], before["containers"]["keep"]["pid"]);
  EXPECT_NE(after["containers"]["change"]["pid"], before["containers"]["change"]["pid"]);
  EXPECT_TRUE(process_gone(before["containers"]["change"]["pid"].get<pid_t>()));
  json statuses = env_->pod("web")["status"]["containerStatuses"];
  EXPECT_EQ(statuses[0]["restartCount"], 0);
  EXPECT_EQ(statuses[1]["restartCount"], 1);
  EXPECT_NE(env_->podctl({"describe", "pod", "web"}).out.find("Container change definition changed, will be restarted"),
            std::string::npos);

  // A pod-level field changed: the pod is replaced.
  RunResult replace = env_->apply(manifest(grace0 + "  hostname: other\n", "602"));
  EXPECT_EQ(replace.out, "pod/web configured\n") << replace.err;
  EXPECT_NE(replace.err.find("pod/web: pod-level fields changed: stopping the old pod (grace period 0s)"),
            std::string::npos)
      << replace.err;
  EXPECT_NE(env_->pod("web")["metadata"]["uid"], uid);
  EXPECT_EQ(env_->podctl({"exec", "web", "-c", "keep", "--", "hostname"}).out, "other\n");
  // TYPE/NAME, as kubectl takes it.
  EXPECT_EQ(env_->podctl({"exec", "pod/web", "-c", "keep", "--", "hostname"}).out, "other\n");
  EXPECT_EQ(env_->podctl({"get", "pod/web", "-o", "name"}).out, "pod/web\n");
  EXPECT_NE(env_->podctl({"describe", "pod/web"}).out.find("Name:             web\n"), std::string::npos);
  // A name the pod does not have is not "not running".
  EXPECT_EQ(env_->podctl({"exec", "web", "-c", "nope", "--", "true"}).err,
            "error: container nope is not valid for pod web\n");
}

TEST_F(Lifecycle, LogsOfThisAndThePreviousRun) {
  ASSERT_EQ(apply_fast(pod_yaml("talk",
                                "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"echo out-$(date "
                                "+%s%N); echo err >&2; sleep 1; exit 1\"]\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return status("talk")["restartCount"].get<int>() >= 1; }));
  RunResult now = env_->podctl({"logs", "talk"});
  RunResult prev = env_->podctl({"logs", "talk", "--previous"});
  EXPECT_EQ(prev.rc, 0) << prev.err;
  EXPECT_EQ(prev.out.substr(0, 4), "out-");
  EXPECT_NE(prev.out.find("\nerr\n"), std::string::npos);
  EXPECT_NE(now.out.substr(0, 24), prev.out.substr(0, 24));
  RunResult ts = env_->podctl({"logs", "talk", "--previous", "--timestamps", "--tail", "1"});
  EXPECT_EQ(std::count(ts.out.begin(), ts.out.end(), '\n'), 1);
  EXPECT_EQ(ts.out.substr(4, 1), "-");
}

TEST_F(Lifecycle, GetPodJsonIsAKubernetesObject) {
  ASSERT_EQ(
      env_->apply(pod_yaml("obj", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n")).rc, 0);
  json p = env_->pod("obj");
  EXPECT_EQ(p["apiVersion"], "v1");
  EXPECT_EQ(p["kind"], "Pod");
  EXPECT_EQ(p["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(p["spec"]["restartPolicy"], "Always");
  EXPECT_EQ(p["spec"]["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(p["status"]["phase"], "Running");
  EXPECT_EQ(p["status"]["podIP"].get<std::string>().rfind(env_->subnet_prefix(), 0), 0u);
  const json& cs = p["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["name"], "a");
  EXPECT_EQ(cs["ready"], true);
  EXPECT_EQ(cs["restartCount"], 0);
  EXPECT_EQ(cs["image"], "busybox:1.35");
  EXPECT_EQ(cs["containerID"].get<std::string>().rfind("podctl://", 0), 0u);
  EXPECT_TRUE(cs["state"].contains("running"));
  RunResult yaml = env_->podctl({"get", "pod", "obj", "-o", "yaml"});
  EXPECT_NE(yaml.out.find("kind: Pod\n"), std::string::npos);
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "name"}).out, "pod/obj\n");
  EXPECT_EQ(env_->podctl({"get", "pod", "obj", "-o", "jsonpath={.status.phase}"}).out, "Running");
  EXPECT_EQ(env_->podctl({"get", "pod", "obj", "-o", "jsonpath={.status.containerStatuses[0].ready}"}).out, "true");
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "jsonpath={.items[0].metadata.name}"}).out, "obj");
  EXPECT_EQ(env_->podctl({"get", "pod", "obj", "-o", "jsonpath=status.phase"}).rc, 2);
  EXPECT_EQ(env_->podctl({"inspect", "obj", "-o", "jsonpath={.podIP}"}).out, p["status"]["podIP"].get<std::string>());
  RunResult wide = env_->podctl({"get", "pods", "-o", "wide"});
  EXPECT_NE(wide.out.find(p["status"]["podIP"].get<std::string>()), std::string::npos);
  EXPECT_EQ(wide.out.substr(0, 4), "NAME");
}

}  // namespace
}  // namespace podctl::test

namespace podctl::test {
namespace {

TEST_F(Lifecycle, InitContainersRunInOrderBeforeTheAppContainers) {
  std::string spec =
      "  restartPolicy: Never\n  initContainers:\n"
      "  - name: first\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"sleep 1; echo first | tee -a "
      "/dev/shm/order\"]\n"
      "  - name: second\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"echo second | tee -a "
      "/dev/shm/order\"]\n";
  ASSERT_EQ(env_->apply(pod_yaml("init",
                                 "  - name: app\n    image: busybox:1.35\n    command: [\"cat\", \"/dev/shm/order\"]\n",
                                 spec))
                .rc,
            0);
  RunResult get = env_->podctl({"get", "pods"});
  EXPECT_NE(get.out.find("Init:0/2"), std::string::npos) << get.out;
  EXPECT_EQ(env_->pod("init")["status"]["containerStatuses"][0]["state"]["waiting"]["reason"], "PodInitializing");
  ASSERT_EQ(env_->podctl({"wait", "pod/init", "--for=jsonpath={.status.phase}=Succeeded", "--timeout", "20"}).rc, 0);
  EXPECT_EQ(env_->podctl({"logs", "init", "-c", "app"}).out, "first\nsecond\n");
  // Every container, in the order the lines were written (init containers first, as kubectl).
  EXPECT_EQ(env_->podctl({"logs", "init", "--all-containers"}).out,
            "[pod/init/first] first\n[pod/init/second] second\n[pod/init/app] first\n[pod/init/app] second\n");
  json p = env_->pod("init");
  EXPECT_EQ(p["status"]["initContainerStatuses"][1]["state"]["terminated"]["reason"], "Completed");
  bool initialized = false;
  for (const auto& c : p["status"]["conditions"]) initialized |= c["type"] == "Initialized" && c["status"] == "True";
  EXPECT_TRUE(initialized);
}

TEST_F(Lifecycle, AFailedInitContainerFailsThePodUnderNever) {
  std::string spec =
      "  restartPolicy: Never\n  initContainers:\n"
      "  - name: broken\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"exit 2\"]\n";
  RunResult r =
      env_->podctl({"apply", "--wait=20", "-f", "-"},
                   pod_yaml("initfail", "  - name: app\n    image: busybox:1.35\n    command: [\"true\"]\n", spec));
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "error: pod/initfail failed: phase Failed\n");
  RunResult get = env_->podctl({"get", "pods"});
  EXPECT_NE(get.out.find("Init:Error"), std::string::npos) << get.out;
  json p = env_->pod("initfail");
  EXPECT_EQ(p["status"]["initContainerStatuses"][0]["state"]["terminated"]["exitCode"], 2);
  EXPECT_FALSE(p["status"]["containerStatuses"][0]["state"].contains("running"));
}

TEST_F(Lifecycle, AFailingInitContainerCrashLoopsUnderOnFailure) {
  std::string spec =
      "  restartPolicy: OnFailure\n  initContainers:\n"
      "  - name: flaky\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"exit 1\"]\n";
  ASSERT_EQ(
      apply_fast(pod_yaml("initloop", "  - name: app\n    image: busybox:1.35\n    command: [\"true\"]\n", spec)).rc,
      0);
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"get", "pods"}).out.find("Init:CrashLoopBackOff") != std::string::npos;
  }));
  EXPECT_EQ(env_->pod("initloop")["status"]["phase"], "Pending");
}

}  // namespace
}  // namespace podctl::test

namespace podctl::test {
namespace {

TEST_F(Lifecycle, LogsFollowAcrossARestartUntilThePodEnds) {
  std::string cmd =
      "n=$(cat /dev/shm/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /dev/shm/n; "
      "sleep 0.5; echo run $n; [ $n -ge 2 ]";
  ASSERT_EQ(
      apply_fast(pod_yaml("follow",
                          "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"" + cmd + "\"]\n",
                          "  restartPolicy: OnFailure\n"))
          .rc,
      0);
  // Starts before the first line is written; returns by itself once the pod has Succeeded.
  RunResult logs = env_->podctl({"logs", "follow", "-f"});
  EXPECT_EQ(logs.rc, 0) << logs.err;
  EXPECT_EQ(logs.out, "run 1\nrun 2\n");
  EXPECT_EQ(env_->pod("follow")["status"]["phase"], "Succeeded");
}

TEST_F(Lifecycle, LogsRotateBySizeAndKeepTheNewestLines) {
  ASSERT_EQ(env_->podctl({"apply", "--log-max-size", "2Ki", "--log-max-files", "3", "-f", "-"},
                         pod_yaml("chatty",
                                  "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", "
                                  "\"seq 1 2000; sleep 600\"]\n",
                                  "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  std::string dir = env_->root() + "/pods/default/chatty/logs/a";
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "chatty", "--tail", "1"}).out == "2000\n"; }));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    ++files;
    EXPECT_LE(std::filesystem::file_size(e.path()), 2048u) << e.path();
  }
  EXPECT_EQ(files, 3);
  // What is kept is the newest lines, without a gap across the rotated files.
  std::istringstream out(env_->podctl({"logs", "chatty"}).out);
  std::vector<int> numbers;
  for (std::string line; std::getline(out, line);) numbers.push_back(std::stoi(line));
  ASSERT_GT(numbers.size(), 50u);
  EXPECT_EQ(numbers.back(), 2000);
  for (size_t i = 1; i < numbers.size(); ++i) ASSERT_EQ(numbers[i], numbers[i - 1] + 1) << "gap at " << i;
}

}  // namespace
}  // namespace podctl::test
