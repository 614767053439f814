// The scheduler's and the kubelet's admission decisions on podctl's one node, as whole-decision
// tables: each row is a pod, the pods already bound, and the decision with its exact message.
#include <gtest/gtest.h>

#include "manifests/pod_resources.h"
#include "orchestrator/plan/scheduling.h"
#include "tests/support/param_name.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl::plan {
namespace {

constexpr int64_t kGi = 1LL << 30;

manifest::Pod pod_from(const std::string& name, const std::string& labels, const std::string& spec_extra,
                       const std::string& container_extra = "", const std::string& ns = "default") {
  auto r = test::load_yaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
                               "\n  labels: {" + labels + "}\nspec:\n" + spec_extra +
                               "  containers:\n  - name: c\n    image: busybox:1.35\n" + container_extra,
                           false);
  EXPECT_TRUE(r.ok()) << test::errors_of(r);
  return r.ok() ? test::only_pod(r) : manifest::Pod{};
}

NodeInfo node() { return this_node("x86_64", 2, 4 * kGi); }

struct Row {
  const char* title;
  manifest::Pod pod;
  std::vector<manifest::Pod> bound;
  SchedulingDecision expected;
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.title; }

}  // namespace

void PrintTo(const SchedulingDecision& d, std::ostream* os) {
  *os << "{placement " << static_cast<int>(d.placement) << ", \"" << d.reason << "\", \"" << d.message << "\"}";
}

namespace {

std::string unschedulable(const std::string& reasons, bool resources = false) {
  return "0/1 nodes are available: " + reasons + ". preemption: 0/1 nodes are available: 1 " +
         (resources ? "No preemption victims found for incoming pod." : "Preemption is not helpful for scheduling.");
}

const SchedulingDecision kBind{};

SchedulingDecision pending(const std::string& reasons, bool resources = false) {
  return {Placement::Unschedulable, "Unschedulable", unschedulable(reasons, resources)};
}

std::string requests(const std::string& r) { return "    resources:\n      requests: {" + r + "}\n"; }

const std::string kAntiWeb =
    "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
    "      - labelSelector: {matchLabels: {app: web}}\n        topologyKey: kubernetes.io/hostname\n";
const std::string kWithDb =
    "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
    "      - labelSelector: {matchLabels: {app: db}}\n        topologyKey: kubernetes.io/hostname\n";

std::vector<Row> rows() {
  return {
      {"a pod that asks for nothing", pod_from("p", "", ""), {}, kBind},
      {"requests that fit", pod_from("p", "", "", requests("cpu: 500m, memory: 1Gi")),
       {pod_from("q", "", "", requests("cpu: 1, memory: 2Gi"))}, kBind},
      {"more memory than the machine",
       pod_from("p", "", "", requests("memory: 1000Gi")), {}, pending("1 Insufficient memory", true)},
      {"what the bound pods hold is not free",
       pod_from("p", "", "", requests("cpu: 1500m")), {pod_from("q", "", "", requests("cpu: 1"))},
       pending("1 Insufficient cpu", true)},
      {"every short resource is named, in order",
       pod_from("p", "", "", requests("cpu: 100, memory: 100Gi")), {},
       pending("1 Insufficient cpu, 1 Insufficient memory", true)},
      {"a limit is the request it leaves unset",
       pod_from("p", "", "", "    resources:\n      limits: {cpu: 3}\n"), {}, pending("1 Insufficient cpu", true)},
      {"extended resources: the node has none",
       pod_from("p", "", "", "    resources:\n      limits: {example.com/dongle: 1}\n"), {},
       pending("1 Insufficient example.com/dongle", true)},
      {"pod-level requests replace the containers' sum",
       pod_from("p", "", "  resources:\n    requests: {memory: 5Gi}\n"), {}, pending("1 Insufficient memory", true)},
      {"nodeSelector on the node's labels", pod_from("p", "", "  nodeSelector: {kubernetes.io/arch: amd64}\n"), {},
       kBind},
      {"nodeSelector the node lacks", pod_from("p", "", "  nodeSelector: {disktype: ssd}\n"), {},
       pending("1 node(s) didn't match Pod's node affinity/selector")},
      {"node affinity: terms are ORed",
       pod_from("p", "",
                "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                "        nodeSelectorTerms:\n        - matchExpressions: [{key: zone, operator: In, values: [a]}]\n"
                "        - matchFields: [{key: metadata.name, operator: In, values: [localhost]}]\n"),
       {}, kBind},
      {"node affinity: NotIn and DoesNotExist",
       pod_from("p", "",
                "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                "        nodeSelectorTerms:\n        - matchExpressions:\n"
                "          - {key: kubernetes.io/os, operator: NotIn, values: [linux]}\n"),
       {}, pending("1 node(s) didn't match Pod's node affinity/selector")},
      {"preferences never keep a pod away",
       pod_from("p", "",
                "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n"
                "      - weight: 10\n        preference:\n          matchExpressions: [{key: gpu, operator: Exists}]\n"),
       {}, kBind},
      {"tolerations: the node has no taints", pod_from("p", "", "  tolerations:\n  - {operator: Exists}\n"), {}, kBind},
      {"anti-affinity against a bound pod", pod_from("web-2", "app: web", kAntiWeb),
       {pod_from("web-1", "app: web", "")}, pending("1 node(s) didn't match pod anti-affinity rules")},
      {"a bound pod's anti-affinity keeps others away", pod_from("web-2", "app: web", ""),
       {pod_from("web-1", "app: web", kAntiWeb)}, pending("1 node(s) didn't satisfy existing pods anti-affinity rules")},
      {"anti-affinity sees only its own namespace by default", pod_from("web-2", "app: web", kAntiWeb),
       {pod_from("web-1", "app: web", "", "", "other")}, kBind},
      {"affinity with a bound pod", pod_from("web", "app: web", kWithDb), {pod_from("db", "app: db", "")}, kBind},
      {"affinity with no such pod", pod_from("web", "app: web", kWithDb), {},
       pending("1 node(s) didn't match pod affinity rules")},
      {"the first of a group may start alone", pod_from("db-0", "app: db", kWithDb), {}, kBind},
      {"spreading over a key the node lacks",
       pod_from("p", "app: web",
                "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n"
                "    whenUnsatisfiable: DoNotSchedule\n    labelSelector: {matchLabels: {app: web}}\n"),
       {}, pending("1 node(s) didn't match pod topology spread constraints (missing required label)")},
      {"spreading over hostnames: one domain, no skew",
       pod_from("p", "app: web",
                "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n"
                "    whenUnsatisfiable: DoNotSchedule\n    labelSelector: {matchLabels: {app: web}}\n"),
       {pod_from("q", "app: web", "")}, kBind},
      {"minDomains beyond the one node",
       pod_from("p", "app: web",
                "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n"
                "    whenUnsatisfiable: DoNotSchedule\n    minDomains: 3\n    labelSelector: {matchLabels: {app: web}}\n"),
       {pod_from("q", "app: web", "")}, pending("1 node(s) didn't match pod topology spread constraints")},
      {"ScheduleAnyway never keeps a pod away",
       pod_from("p", "app: web",
                "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n"
                "    whenUnsatisfiable: ScheduleAnyway\n"),
       {}, kBind},
      {"another scheduler's pod", pod_from("p", "", "  schedulerName: my-scheduler\n"), {},
       {Placement::NotOurs, "", "no scheduler named \"my-scheduler\" runs here"}},
      {"bound to another node by name", pod_from("p", "", "  nodeName: node-2\n"), {},
       {Placement::NotOurs, "", "spec.nodeName is \"node-2\"; this node is \"localhost\""}},
      {"bound here by name: the kubelet admits it", pod_from("p", "", "  nodeName: localhost\n"), {}, kBind},
      {"bound here by name beyond the machine",
       pod_from("p", "", "  nodeName: localhost\n", requests("memory: 8Gi")),
       {},
       {Placement::Rejected, "OutOfmemory",
        "Pod was rejected: Node didn't have enough resource: memory, requested: 8589934592, used: 0, capacity: "
        "4190109696"}},
      {"bound here by name against its node selector",
       pod_from("p", "", "  nodeName: localhost\n  nodeSelector: {disktype: ssd}\n"), {},
       {Placement::Rejected, "NodeAffinity", "Pod was rejected: Predicate NodeAffinity failed"}},
  };
}

class Scheduling : public ::testing::TestWithParam<Row> {};

TEST_P(Scheduling, DecidesAsTheSchedulerAndTheKubelet) {
  const Row& r = GetParam();
  std::vector<BoundPod> bound;
  for (const auto& p : r.bound) bound.push_back(bound_pod_of(p));
  auto labels = [](const std::string& ns) {
    return std::map<std::string, std::string>{{"kubernetes.io/metadata.name", ns}};
  };
  EXPECT_EQ(schedule(r.pod, node(), bound, labels), r.expected) << schedule(r.pod, node(), bound, labels).message;
}

INSTANTIATE_TEST_SUITE_P(Rules, Scheduling, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& p) { return test::param_name(p.param.title); });

TEST(SchedulingNode, LabelsAndAllocatableAsTheKubeletRegistersThem) {
  NodeInfo n = this_node("aarch64", 4, 8 * kGi);
  EXPECT_EQ(n.name, "localhost");
  EXPECT_EQ(n.labels.at("kubernetes.io/hostname"), "localhost");
  EXPECT_EQ(n.labels.at("kubernetes.io/arch"), "arm64");
  EXPECT_EQ(n.labels.at("kubernetes.io/os"), "linux");
  EXPECT_EQ(n.allocatable.at("cpu"), 4000);
  EXPECT_EQ(n.allocatable.at("memory"), (8 * kGi - (100LL << 20)) * 1000);  // less the eviction threshold
}

TEST(PodRequests, InitContainersAndSidecarsAddUpAsTheScheduler) {
  auto pod = pod_from("p", "",
                      "  initContainers:\n"
                      "  - {name: migrate, image: busybox:1.35, resources: {requests: {cpu: 1500m, memory: 10Mi}}}\n"
                      "  - {name: proxy, image: busybox:1.35, restartPolicy: Always, resources: {requests: {cpu: 100m}}}\n"
                      "  - {name: warm, image: busybox:1.35, resources: {requests: {cpu: 1}}}\n",
                      requests("cpu: 200m, memory: 50Mi"));
  auto r = manifest::pod_requests(pod.spec);
  // max(app 200m + sidecar 100m, migrate 1500m, warm 1000m + sidecar 100m) and max(50Mi, 10Mi).
  EXPECT_EQ(r.at("cpu"), 1500 * 1000 / 1000);
  EXPECT_EQ(r.at("memory"), (50LL << 20) * 1000);
  EXPECT_TRUE(manifest::is_extended_resource("example.com/dongle"));
  EXPECT_TRUE(manifest::is_extended_resource("nvidia.com/gpu"));
  EXPECT_FALSE(manifest::is_extended_resource("memory"));
  EXPECT_FALSE(manifest::is_extended_resource("kubernetes.io/batteries"));
}

}  // namespace
}  // namespace podctl::plan
