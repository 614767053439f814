// `get pods` columns, computed as kubectl's printPod does.
#include <gtest/gtest.h>

#include "orchestrator/output/pod_printer.h"
#include "orchestrator/output/yaml_output.h"

namespace podctl {
namespace {

using nlohmann::json;

const std::time_t kNow = parse_rfc3339("2026-11-29T10:00:00Z");

json pod(json status, json spec = json{{"containers", json::array({json{{"name", "a"}}, json{{"name", "b"}}})}}) {
  return json{{"metadata", {{"name", "web"}, {"creationTimestamp", "2026-11-29T09:56:58Z"}}},
              {"spec", spec},
              {"status", status}};
}

json running(bool ready = true) {
  return json{{"ready", ready}, {"restartCount", 0}, {"state", {{"running", json::object()}}}};
}

TEST(HumanDuration, MatchesKubectl) {
  EXPECT_EQ(human_duration(5), "5s");
  EXPECT_EQ(human_duration(119), "119s");
  EXPECT_EQ(human_duration(182), "3m2s");
  EXPECT_EQ(human_duration(600), "10m");
  EXPECT_EQ(human_duration(3 * 3600 + 60), "3h1m");
  EXPECT_EQ(human_duration(9 * 3600), "9h");
  EXPECT_EQ(human_duration(2 * 86400 + 9 * 3600), "2d9h");
  EXPECT_EQ(human_duration(30 * 86400), "30d");
  EXPECT_EQ(human_duration(-1), "0s");
}

TEST(PodRow, RunningAndReady) {
  auto r = pod_row(pod({{"phase", "Running"},
                        {"podIP", "10.91.0.2"},
                        {"conditions", json::array({json{{"type", "Ready"}, {"status", "True"}}})},
                        {"containerStatuses", json::array({running(), running()})}}),
                   kNow);
  EXPECT_EQ(r.ready, "2/2");
  EXPECT_EQ(r.status, "Running");
  EXPECT_EQ(r.restarts, "0");
  EXPECT_EQ(r.age, "3m2s");
  EXPECT_EQ(r.ip, "10.91.0.2");
}

TEST(PodRow, CrashLoopBackOffWithRestartsAgo) {
  json crashing{{"ready", false},
                {"restartCount", 3},
                {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
                {"lastState", {{"terminated", {{"exitCode", 3}, {"finishedAt", "2026-11-29T09:59:48Z"}}}}}};
  auto r = pod_row(pod({{"phase", "Running"}, {"containerStatuses", json::array({crashing, running()})}}), kNow);
  EXPECT_EQ(r.status, "CrashLoopBackOff");
  EXPECT_EQ(r.ready, "1/2");
  EXPECT_EQ(r.restarts, "3 (12s ago)");
}

TEST(PodRow, TerminatedReasonsAndExitCodes) {
  json completed{{"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  json no_reason{{"state", {{"terminated", {{"exitCode", 4}}}}}};
  json signal{{"state", {{"terminated", {{"exitCode", 137}, {"signal", 9}}}}}};
  EXPECT_EQ(
      pod_row(pod({{"phase", "Succeeded"}, {"containerStatuses", json::array({completed, completed})}}), kNow).status,
      "Completed");
  EXPECT_EQ(
      pod_row(pod({{"phase", "Failed"}, {"containerStatuses", json::array({no_reason, completed})}}), kNow).status,
      "ExitCode:4");
  EXPECT_EQ(pod_row(pod({{"phase", "Failed"}, {"containerStatuses", json::array({signal, completed})}}), kNow).status,
            "Signal:9");
}

TEST(PodRow, CompletedWithARunningContainerIsRunningOrNotReady) {
  json completed{{"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  auto status = json{{"phase", "Running"}, {"containerStatuses", json::array({running(), completed})}};
  EXPECT_EQ(pod_row(pod(status), kNow).status, "NotReady");
  status["conditions"] = json::array({json{{"type", "Ready"}, {"status", "True"}}});
  EXPECT_EQ(pod_row(pod(status), kNow).status, "Running");
}

TEST(PodRow, InitContainersShowProgressAndErrors) {
  json spec{{"initContainers", json::array({json{{"name", "i1"}}, json{{"name", "i2"}}})},
            {"containers", json::array({json{{"name", "a"}}})}};
  json done{{"name", "i1"}, {"state", {{"terminated", {{"exitCode", 0}}}}}};
  json waiting{{"name", "i2"}, {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}};
  json failed{{"name", "i2"}, {"state", {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}}}};
  EXPECT_EQ(
      pod_row(pod({{"phase", "Pending"}, {"initContainerStatuses", json::array({done, waiting})}}, spec), kNow).status,
      "Init:1/2");
  EXPECT_EQ(
      pod_row(pod({{"phase", "Pending"}, {"initContainerStatuses", json::array({done, failed})}}, spec), kNow).status,
      "Init:Error");
}

TEST(PodRow, SidecarsCountInReady) {
  json spec{{"initContainers", json::array({json{{"name", "proxy"}, {"restartPolicy", "Always"}}})},
            {"containers", json::array({json{{"name", "a"}}})}};
  json sidecar{{"name", "proxy"}, {"started", true}, {"ready", true}, {"state", {{"running", json::object()}}}};
  auto r = pod_row(pod({{"phase", "Running"},
                        {"initContainerStatuses", json::array({sidecar})},
                        {"containerStatuses", json::array({running()})}},
                       spec),
                   kNow);
  EXPECT_EQ(r.ready, "2/2");
}

TEST(PodRow, TerminatingAndUnknown) {
  json p = pod({{"phase", "Running"}, {"containerStatuses", json::array({running(), running()})}});
  p["metadata"]["deletionTimestamp"] = "2026-11-29T09:59:00Z";
  EXPECT_EQ(pod_row(p, kNow).status, "Terminating");
  EXPECT_EQ(pod_row(pod({{"phase", "Unknown"},
                         {"reason", "Unknown"},
                         {"containerStatuses", json::array({running(), running()})}}),
                    kNow)
                .status,
            "Unknown");
}

TEST(YamlOutput, QuotesStringsThatWouldReadBackAsOtherTypes) {
  std::string y =
      to_yaml(json{{"a", "true"}, {"b", "80"}, {"c", "text"}, {"d", 80}, {"e", true}, {"f", json::array({"x"})}});
  EXPECT_EQ(y, "a: \"true\"\nb: \"80\"\nc: text\nd: 80\ne: true\nf:\n  - x\n");
}

}  // namespace
}  // namespace podctl
