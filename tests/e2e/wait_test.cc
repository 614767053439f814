// podctl wait and apply --wait: what a CI job calls to block until its pods are ready or done.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

class Wait : public PodctlTest {
 protected:
  RunResult apply_wait(const std::string& manifest, const std::string& seconds) const {
    return env_->podctl({"apply", "--restart-backoff", "1s:2s", "--wait=" + seconds, "-f", "-"}, manifest);
  }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST_F(Wait, ReturnsAsSoonAsTheConditionHolds) {
  ASSERT_EQ(env_
                ->apply(pod_yaml(
                    "w", "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"sleep 1.5; exit 0\"]\n",
                    "  restartPolicy: Never\n"))
                .rc,
            0);
  RunResult ready = env_->podctl({"wait", "pod/w", "--for=condition=Ready", "--timeout", "5"});
  EXPECT_EQ(ready.rc, 0) << ready.err;
  EXPECT_EQ(ready.out, "pod/w condition met\n");
  auto start = std::chrono::steady_clock::now();
  RunResult done = env_->podctl({"wait", "pod/w", "--for=jsonpath={.status.phase}=Succeeded", "--timeout", "20"});
  EXPECT_EQ(done.rc, 0) << done.err;
  EXPECT_LT(seconds_since(start), 3.0);  // about 1.5 s: woken by the status change, not by polling
  EXPECT_GT(seconds_since(start), 0.8);
}

TEST_F(Wait, TimesOutWithWhatItSawLast) {
  ASSERT_EQ(env_->apply(pod_yaml("t", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"60\"]\n",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  RunResult r = env_->podctl({"wait", "pod/t", "--for=jsonpath={.status.phase}=Succeeded", "--timeout", "1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err,
            "error: timed out waiting for the condition on pods/t (jsonpath {.status.phase}=Succeeded; "
            "last seen: {.status.phase} is \"Running\")\n");
}

TEST_F(Wait, APodThatDoesNotExistIsNotFoundAtOnce) {
  auto start = std::chrono::steady_clock::now();
  RunResult r = env_->podctl({"wait", "pod/nope", "--for=condition=Ready", "--timeout", "20s"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "error: pods \"nope\" not found\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(env_->podctl({"wait", "pod/nope", "--for=delete", "--timeout", "1s"}).rc, 0);  // already gone
}

TEST_F(Wait, ApplyWaitFailsAtOnceOnAnImageThatMayNotBePulled) {
  RunResult r =
      apply_wait(pod_yaml("never", "  - name: a\n    image: local/missing:1\n    imagePullPolicy: Never\n"), "60");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("pod/never failed: container a: ErrImageNeverPull: Container image \"local/missing:1\" is not "
                       "present with pull policy of Never"),
            std::string::npos)
      << r.err;
}

TEST_F(Wait, ForDeleteReturnsWhenThePodIsGone) {
  ASSERT_EQ(env_->apply(pod_yaml("d", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"60\"]\n")).rc,
            0);
  std::thread deleter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    env_->podctl({"delete", "pod", "d", "--grace-period", "0"});
  });
  RunResult r = env_->podctl({"wait", "pod/d", "--for=delete", "--timeout", "20"});
  deleter.join();
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "pod/d deleted\n");
}

TEST_F(Wait, ApplyWaitReturnsWhenReadyOrSucceeded) {
  RunResult server =
      apply_wait(pod_yaml("srv", "  - name: a\n    image: busybox:1.35\n    command: [\"sleep\", \"60\"]\n",
                          "  terminationGracePeriodSeconds: 0\n"),
                 "20");
  EXPECT_EQ(server.rc, 0) << server.err;
  EXPECT_EQ(server.out, "pod/srv created\npod/srv ready\n");
  // A run-to-completion pod is waited for until it succeeds, through its restarts.
  RunResult job = apply_wait(pod_yaml("job",
                                      "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", "
                                      "\"[ -e /dev/shm/again ] && exit 0; touch /dev/shm/again; exit 1\"]\n",
                                      "  restartPolicy: OnFailure\n"),
                             "20");
  EXPECT_EQ(job.rc, 0) << job.err;
  EXPECT_EQ(job.out, "pod/job created\npod/job succeeded\n");
}

TEST_F(Wait, ApplyWaitFailsFastWithTheReason) {
  auto start = std::chrono::steady_clock::now();
  RunResult never =
      apply_wait(pod_yaml("bad", "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"exit 4\"]\n",
                          "  restartPolicy: Never\n"),
                 "60");
  EXPECT_EQ(never.rc, 1);
  EXPECT_EQ(never.err, "error: pod/bad failed: phase Failed\n");
  RunResult nobin =
      apply_wait(pod_yaml("nobin", "  - name: a\n    image: busybox:1.35\n    command: [\"/nope\"]\n"), "60");
  EXPECT_EQ(nobin.rc, 1);
  EXPECT_EQ(nobin.err, "error: pod/nobin failed: container a: StartError: exec \"/nope\": No such file or directory\n");
  EXPECT_LT(seconds_since(start), 10.0);
}

std::string job_yaml(const std::string& name, const std::string& command, const std::string& label) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n  labels:\n    suite: " + label +
         "\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
         "      - name: c\n        image: busybox:1.35\n        command: [\"sh\", \"-c\", \"" + command + "\"]\n";
}

// kubectl wait on workloads, as CI scripts write it: a Job's Complete (case as the user types it),
// a Deployment's Available, by name, by label and --all; a Job that failed ends the wait at once.
TEST_F(Wait, WorkloadsAreAwaitedByTheirConditions) {
  ASSERT_EQ(env_->apply(job_yaml("quick", "sleep 1", "ci") + "---\n" + job_yaml("second", "true", "ci")).rc, 0);
  RunResult one = env_->podctl({"wait", "job/quick", "--for=condition=complete", "--timeout=60s"});
  EXPECT_EQ(one.rc, 0) << one.err;
  EXPECT_EQ(one.out, "job.batch/quick condition met\n");
  RunResult labelled = env_->podctl({"wait", "jobs", "-l", "suite=ci", "--for=condition=Complete", "--timeout=60s"});
  EXPECT_EQ(labelled.rc, 0) << labelled.err;
  EXPECT_EQ(labelled.out, "job.batch/quick condition met\njob.batch/second condition met\n");

  ASSERT_EQ(env_->apply(job_yaml("broken", "exit 3", "other")).rc, 0);
  auto start = std::chrono::steady_clock::now();
  RunResult failed = env_->podctl({"wait", "job/broken", "--for=condition=complete", "--timeout=120s"});
  EXPECT_EQ(failed.rc, 1);
  EXPECT_LT(seconds_since(start), 60.0);  // at the failure, not at the timeout
  EXPECT_NE(failed.err.find("job.batch/broken will not meet condition=complete: the job failed: BackoffLimitExceeded"),
            std::string::npos) << failed.err;
  RunResult failed_condition = env_->podctl({"wait", "job/broken", "--for=condition=Failed", "--timeout=5s"});
  EXPECT_EQ(failed_condition.rc, 0) << failed_condition.err;

  ASSERT_EQ(env_->apply("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
                        "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n"
                        "        app: web\n    spec:\n      terminationGracePeriodSeconds: 0\n      containers:\n"
                        "      - name: c\n        image: busybox:1.35\n        command: [sleep, \"600\"]\n")
                .rc,
            0);
  RunResult available = env_->podctl({"wait", "deploy/web", "--for=condition=Available", "--timeout=60s"});
  EXPECT_EQ(available.rc, 0) << available.err;
  EXPECT_EQ(available.out, "deployment.apps/web condition met\n");
  RunResult all = env_->podctl({"wait", "deployments", "--all", "--for=jsonpath={.status.readyReplicas}=1"});
  EXPECT_EQ(all.rc, 0) << all.err;

  RunResult missing = env_->podctl({"wait", "job/nope", "--for=condition=complete"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.err, "error: jobs \"nope\" not found\n");
  RunResult service = env_->podctl({"wait", "svc/web", "--for=condition=Ready"});
  EXPECT_EQ(service.rc, 2);
  EXPECT_EQ(service.err, "error: wait takes pods, deployments, replicasets, statefulsets and jobs, not svc/web\n");

  ASSERT_EQ(env_->podctl({"delete", "job/quick"}).rc, 0);
  RunResult gone = env_->podctl({"wait", "job/quick", "--for=delete", "--timeout=5s"});
  EXPECT_EQ(gone.rc, 0) << gone.err;
  EXPECT_EQ(gone.out, "job.batch/quick deleted\n");
}

}  // namespace
}  // namespace podctl::test
