// Whole scenarios through the pod executor and a recording fake runtime, without root: each test
// plays the events a real pod would see (exits, probe outcomes, pulls, a lost sandbox, a new spec,
// a delete) and checks what the executor asked of the runtime, in order, and the status it reports.
#include <gtest/gtest.h>

#include "manifests/serialize.h"
#include "orchestrator/supervisor/pod_executor.h"
#include "tests/unit/fake_pod_runtime.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl::test {
namespace {

using plan::Millis;
using plan::PodPhase;
using plan::WaitingReason;
using supervisor::PodExecutor;
using Calls = std::vector<std::string>;

manifest::Pod pod_from(const std::string& yaml) {
  auto r = load_yaml(yaml);
  EXPECT_TRUE(r.errors.empty()) << errors_of(r);
  return only_pod(r);
}

std::vector<std::string> names_of(const manifest::Pod& pod) {
  std::vector<std::string> names;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) names.push_back(c.name);
  return names;
}

// A pod under an executor, with the sandbox made and the first plan carried out.
struct Scenario {
  manifest::Pod pod;
  FakePodRuntime rt;
  PodExecutor exec;

  explicit Scenario(const std::string& yaml)
      : pod(pod_from(yaml)), rt(names_of(pod)), exec(rt, pod, {{10'000, 300'000}, "uid-1"}) {
    EXPECT_TRUE(exec.create_sandbox().has_value());
    exec.reconcile();
  }
  Calls after(const std::function<void()>& event) {
    (void)rt.take_calls();
    event();
    exec.reconcile();
    return rt.take_calls();
  }
  Calls exit(size_t i, int code) {
    return after([&] { exec.on_container_exit(i, {code, false}); });
  }
  Calls advance(Millis ms) {
    return after([&] {
      rt.clock += ms;
      exec.on_timer();
    });
  }
  plan::PodStatus status() { return exec.status("10.88.0.1", "10.88.0.2", "2026-11-30T12:00:00Z"); }
  const plan::ContainerStatus& container(const std::string& name) {
    static plan::PodStatus st;
    st = status();
    for (const auto* list : {&st.init_containers, &st.containers})
      for (const auto& c : *list)
        if (c.name == name) return c;
    throw std::runtime_error("no container " + name);
  }
};

std::string pod_yaml(const std::string& spec) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" + spec;
}

TEST(Executor, ACrashLoopRestartsAtOnceThenBacksOff10sThen20s) {
  Scenario s(pod_yaml("  containers:\n  - name: a\n    image: busybox:1.35\n"));
  EXPECT_EQ(s.rt.take_calls(), (Calls{"create_sandbox", "start a #0"}));
  EXPECT_EQ(s.exit(0, 1), (Calls{"start a #1"}));
  EXPECT_EQ(s.exit(0, 1), (Calls{}));
  EXPECT_TRUE(plan::is_waiting(s.container("a").state, WaitingReason::CrashLoopBackOff));
  EXPECT_EQ(s.container("a").last_state->exit_code, 1);
  EXPECT_EQ(s.exec.next_wake(), s.rt.clock + 10'000);
  EXPECT_TRUE(s.rt.has_event("BackOff"));
  EXPECT_EQ(s.advance(9'999), (Calls{}));
  EXPECT_EQ(s.advance(1), (Calls{"start a #2"}));
  EXPECT_EQ(s.exit(0, 1), (Calls{}));
  EXPECT_EQ(s.exec.next_wake(), s.rt.clock + 20'000);
  EXPECT_EQ(s.container("a").restart_count, 2);
  EXPECT_EQ(s.status().phase, PodPhase::Running);
}

TEST(Executor, AFailedLivenessProbeStopsTheContainerWithItsGraceThenKillsAndRestartsIt) {
  Scenario s(pod_yaml(R"(  terminationGracePeriodSeconds: 5
  containers:
  - name: a
    image: busybox:1.35
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
      periodSeconds: 1
      failureThreshold: 1
)"));
  // initialDelaySeconds 0: the first run starts with the container.
  EXPECT_EQ(s.rt.take_calls(), (Calls{"create_sandbox", "start a #0", "run_handler a Liveness"}));
  EXPECT_EQ(s.after([&] {
    s.exec.on_handler_done(0, HandlerKind::Liveness, {plan::ProbeResult::Failure, "no file"});
  }),
            (Calls{"signal a Graceful"}));
  EXPECT_TRUE(s.rt.has_event("Unhealthy"));
  EXPECT_EQ(s.rt.events.back(), "Normal Killing: Container a failed liveness probe, will be restarted");
  EXPECT_EQ(s.advance(4'999), (Calls{}));  // no probe runs while it stops
  EXPECT_EQ(s.advance(1), (Calls{"signal a Kill"}));
  EXPECT_EQ(s.exit(0, 137), (Calls{"start a #1", "run_handler a Liveness"}));
  EXPECT_EQ(s.container("a").last_state->exit_code, 137);
  // A run that outlives its timeout (1 s) fails.
  EXPECT_EQ(s.advance(1'000), (Calls{"expire_handler a Liveness", "signal a Graceful"}));
}

TEST(Executor, SidecarsStopAfterTheMainContainerLastOneFirst) {
  Scenario s(pod_yaml(R"(  restartPolicy: Never
  initContainers:
  - {name: log, image: busybox:1.35, restartPolicy: Always}
  - {name: proxy, image: busybox:1.35, restartPolicy: Always}
  containers:
  - {name: main, image: busybox:1.35}
)"));
  EXPECT_EQ(s.exit(2, 0), (Calls{"signal proxy Graceful"}));
  EXPECT_EQ(s.exit(1, 143), (Calls{"signal log Graceful"}));
  EXPECT_EQ(s.exit(0, 143), (Calls{}));
  EXPECT_EQ(s.status().phase, PodPhase::Succeeded);  // sidecars' exit codes do not count
}

TEST(Executor, StartsInitContainersThenSidecarsInOrder) {
  Scenario s(pod_yaml(R"(  initContainers:
  - {name: setup, image: busybox:1.35}
  - {name: proxy, image: busybox:1.35, restartPolicy: Always}
  containers:
  - {name: main, image: busybox:1.35}
)"));
  EXPECT_EQ(s.exit(0, 0), (Calls{"start proxy #0", "start main #0"}));
}

TEST(Executor, ALostSandboxKillsWhatRanAndStartsOverFromTheInitContainers) {
  Scenario s(pod_yaml(R"(  initContainers:
  - {name: setup, image: busybox:1.35}
  containers:
  - {name: a, image: busybox:1.35}
)"));
  EXPECT_EQ(s.exit(0, 0), (Calls{"start a #0"}));
  EXPECT_EQ(s.after([&] { s.exec.on_sandbox_lost(); }),
            (Calls{"kill_now a", "teardown_sandbox", "create_sandbox", "start setup #1"}));
  EXPECT_TRUE(s.rt.has_event("SandboxChanged"));
  EXPECT_EQ(std::get<plan::TerminatedState>(s.container("a").state).exit_code, 137);
}

TEST(Executor, ALostSandboxUnderNeverIsNotRecreatedOnceContainersRan) {
  Scenario s(pod_yaml("  restartPolicy: Never\n  containers:\n  - {name: a, image: busybox:1.35}\n"));
  EXPECT_EQ(s.after([&] { s.exec.on_sandbox_lost(); }), (Calls{"kill_now a", "teardown_sandbox"}));
  EXPECT_EQ(s.advance(60'000), (Calls{}));
  EXPECT_EQ(s.status().phase, PodPhase::Failed);
}

TEST(Executor, AChangedContainerIsStoppedAndStartedAfreshWithoutBackoff) {
  const std::string spec =
      "  containers:\n  - {name: a, image: busybox:1.35, command: [sleep, '%s']}\n"
      "  - {name: b, image: busybox:1.35}\n";
  auto with = [&](const char* arg) {
    std::string text = spec;
    text.replace(text.find("%s"), 2, arg);
    return pod_yaml(text);
  };
  Scenario s(with("1"));
  const std::string old_hash = s.exec.applied_spec_hash();
  s.exit(0, 1);  // a crashed once: it has a backoff entry now
  manifest::Pod next = pod_from(with("2"));
  EXPECT_EQ(s.after([&] { s.exec.on_spec_changed(next); }), (Calls{"signal a Graceful"}));
  EXPECT_EQ(s.rt.events.back(), "Normal Killing: Container a definition changed, will be restarted");
  EXPECT_EQ(s.exec.applied_spec_hash(), old_hash);
  EXPECT_EQ(s.exit(0, 143), (Calls{"start a #2"}));
  EXPECT_EQ(s.exec.applied_spec_hash(), manifest::pod_hash(next));
  EXPECT_EQ(s.exit(0, 1), (Calls{"start a #3"}));  // the backoff was forgotten with the old container
}

TEST(Executor, AFailedPullIsRetriedThenWaitsInImagePullBackOffThenStarts) {
  Scenario s(pod_yaml("  containers:\n  - {name: a, image: 'registry.local:5000/app:1'}\n"));
  EXPECT_TRUE(plan::is_waiting(s.container("a").state, WaitingReason::ContainerCreating));
  auto fail_pull = [&] { s.exec.on_pull_done(0, fail(make_error("connection refused"))); };
  EXPECT_EQ(s.after(fail_pull), (Calls{"pull a registry.local:5000/app:1"}));  // the first retry is at once
  EXPECT_TRUE(s.rt.has_event("Pulling"));
  EXPECT_EQ(s.after(fail_pull), (Calls{}));
  EXPECT_TRUE(plan::is_waiting(s.container("a").state, WaitingReason::ImagePullBackOff));
  EXPECT_EQ(s.advance(10'000), (Calls{"pull a registry.local:5000/app:1"}));
  s.rt.images.insert("registry.local:5000/app:1");
  EXPECT_EQ(s.after([&] { s.exec.on_pull_done(0, {}); }), (Calls{"start a #0"}));
  EXPECT_TRUE(std::holds_alternative<plan::RunningState>(s.container("a").state));
}

TEST(Executor, AnImageThatMayNotBePulledWaitsWithErrImageNeverPull) {
  Scenario s(pod_yaml("  containers:\n  - {name: a, image: 'local/app:1', imagePullPolicy: Never}\n"));
  EXPECT_TRUE(plan::is_waiting(s.container("a").state, WaitingReason::ErrImageNeverPull));
  EXPECT_EQ(s.status().phase, PodPhase::Pending);
}

TEST(Executor, AConfigErrorWaitsAndIsRetriedAtOnceWhenConfigMapsChange) {
  Scenario s(pod_yaml("  containers:\n  - {name: a, image: busybox:1.35}\n"));
  s.rt.start_failures[0] = {StartFailureKind::Config, "configmap \"cfg\" not found"};
  s.exit(0, 1);  // its restart fails on the missing ConfigMap
  EXPECT_TRUE(plan::is_waiting(s.container("a").state, WaitingReason::CreateContainerConfigError));
  EXPECT_EQ(s.after([&] {}), (Calls{}));  // held in backoff
  EXPECT_EQ(s.after([&] { s.exec.on_config_sources_changed(); }), (Calls{"start a #1"}));
}

// Each child's set-up waits on the kernel (RCU grace periods), so the starts of one plan overlap:
// every one is begun before the first is awaited, and they are awaited in order.
TEST(Executor, TheStartsOfOnePlanAreAllBegunBeforeAnyIsAwaited) {
  Scenario s(pod_yaml(R"(  containers:
  - {name: a, image: busybox:1.35}
  - {name: b, image: busybox:1.35}
  - {name: c, image: busybox:1.35}
)"));
  EXPECT_EQ(s.rt.start_steps, (Calls{"begin a", "begin b", "begin c", "finish a", "finish b", "finish c"}));
  for (const char* name : {"a", "b", "c"}) EXPECT_TRUE(std::holds_alternative<plan::RunningState>(s.container(name).state)) << name;
}

// A child that fails before its exec fails its own start only.
TEST(Executor, AStartThatFailsInItsChildLeavesTheOthersRunning) {
  manifest::Pod pod = pod_from(pod_yaml(R"(  restartPolicy: Never
  containers:
  - {name: a, image: busybox:1.35}
  - {name: b, image: busybox:1.35}
)"));
  FakePodRuntime rt(names_of(pod));
  rt.start_failures[0] = {StartFailureKind::Exec, "exec: \"nope\": executable file not found in $PATH"};
  PodExecutor exec(rt, pod, {{10'000, 300'000}, "uid-1"});
  ASSERT_TRUE(exec.create_sandbox().has_value());
  exec.reconcile();
  EXPECT_EQ(rt.start_steps, (Calls{"begin a", "begin b", "finish a", "finish b"}));
  auto st = exec.status("10.88.0.1", "10.88.0.2", "2026-11-30T12:00:00Z");
  const auto* failed = std::get_if<plan::TerminatedState>(&st.containers[0].state);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->reason, plan::TerminatedReason::StartError);
  EXPECT_TRUE(std::holds_alternative<plan::RunningState>(st.containers[1].state));
}

TEST(Executor, ADeleteRunsPreStopStopsRegularContainersThenTheSidecarAndKillsAtTheDeadline) {
  Scenario s(pod_yaml(R"(  terminationGracePeriodSeconds: 10
  initContainers:
  - {name: proxy, image: busybox:1.35, restartPolicy: Always}
  containers:
  - name: a
    image: busybox:1.35
    lifecycle: {preStop: {exec: {command: [sleep, '3']}}}
  - {name: b, image: busybox:1.35}
)"));
  EXPECT_EQ(s.after([&] { s.exec.on_terminate(std::nullopt); }), (Calls{"run_handler a PreStop", "signal b Graceful"}));
  EXPECT_EQ(s.exit(2, 143), (Calls{}));  // the sidecar waits for a
  EXPECT_EQ(s.after([&] {
    s.exec.on_handler_done(1, HandlerKind::PreStop, {plan::ProbeResult::Success, ""});
  }),
            (Calls{"signal a Graceful"}));
  EXPECT_EQ(s.advance(9'000), (Calls{}));
  // The pod's grace period is over: SIGKILL for a, and the sidecar still running gets the minimum 2 s.
  EXPECT_EQ(s.advance(1'000), (Calls{"signal proxy Graceful", "signal a Kill"}));
  EXPECT_EQ(s.exit(1, 137), (Calls{}));
  EXPECT_FALSE(s.exec.done());
  EXPECT_EQ(s.exit(0, 143), (Calls{"teardown_sandbox"}));
  EXPECT_TRUE(s.exec.done());
  EXPECT_FALSE(s.status().conditions[2].status);  // Ready
}

TEST(Executor, ADeleteWithNoGraceKillsEverythingAtOnce) {
  Scenario s(pod_yaml(R"(  initContainers:
  - {name: proxy, image: busybox:1.35, restartPolicy: Always}
  containers:
  - {name: a, image: busybox:1.35, lifecycle: {preStop: {exec: {command: [sleep, '3']}}}}
)"));
  EXPECT_EQ(s.after([&] { s.exec.on_terminate(0); }), (Calls{"signal proxy Kill", "signal a Kill"}));
}

TEST(Executor, ASecondDeleteShortensTheTerminationAndNoGraceKillsWhatIsStillStopping) {
  Scenario s(pod_yaml(R"(  terminationGracePeriodSeconds: 30
  initContainers:
  - {name: proxy, image: busybox:1.35, restartPolicy: Always}
  containers:
  - {name: a, image: busybox:1.35, lifecycle: {preStop: {exec: {command: [sleep, '20']}}}}
  - {name: b, image: busybox:1.35}
)"));
  EXPECT_EQ(s.after([&] { s.exec.on_terminate(std::nullopt); }), (Calls{"run_handler a PreStop", "signal b Graceful"}));
  EXPECT_EQ(s.after([&] { s.exec.on_terminate(60); }), (Calls{}));  // a longer grace never extends it
  EXPECT_EQ(s.advance(5'000), (Calls{}));
  // kubectl delete --force (or run's second Ctrl-C): the sidecar, a in its preStop hook and b after
  // its SIGTERM all die now.
  EXPECT_EQ(s.after([&] { s.exec.on_terminate(0); }), (Calls{"signal proxy Kill", "signal a Kill", "signal b Kill"}));
  EXPECT_EQ(s.exit(1, 137), (Calls{}));
  EXPECT_EQ(s.exit(2, 137), (Calls{}));
  EXPECT_EQ(s.exit(0, 137), (Calls{"teardown_sandbox"}));
  EXPECT_TRUE(s.exec.done());
}

TEST(Executor, AFailedPostStartHookKillsTheContainer) {
  Scenario s(pod_yaml(R"(  containers:
  - name: a
    image: busybox:1.35
    lifecycle: {postStart: {exec: {command: ['false']}}}
)"));
  EXPECT_TRUE(
      plan::is_waiting(s.container("a").state, WaitingReason::ContainerCreating));  // not Running before postStart
  EXPECT_EQ(s.after([&] {
    s.exec.on_handler_done(0, HandlerKind::PostStart, {plan::ProbeResult::Failure, "exit 1"});
  }),
            (Calls{"signal a Graceful"}));
  EXPECT_TRUE(s.rt.has_event("FailedPostStartHook"));
}

}  // namespace
}  // namespace podctl::test
