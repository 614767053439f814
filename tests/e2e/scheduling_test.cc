// Scheduling on podctl's one node, end to end: a pod the node cannot take stays Pending with the
// scheduler's reason and runs as soon as what held it goes; a pod bound here by name that the
// node cannot hold is rejected as the kubelet rejects it. Also the fields found in Kubernetes'
// own examples: projected volumes, resourceFieldRef items and pod-level resources.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;
using Scheduling = PodctlTest;

std::string sleeper(const std::string& extra = "") {
  return "  - name: c\n    image: busybox:1.35\n    command: [sleep, \"600\"]\n" + extra;
}

const char* kNoGrace = "  terminationGracePeriodSeconds: 0\n";

json scheduled_condition(const json& pod) {
  for (const auto& c : pod["status"].value("conditions", json::array()))
    if (c["type"] == "PodScheduled") return c;
  return json::object();
}

TEST_F(Scheduling, WhatTheNodeCannotTakeStaysPendingWithTheSchedulersReason) {
  ASSERT_EQ(env_->apply(pod_yaml("big", sleeper("    resources:\n      requests: {memory: 1000Gi}\n"), kNoGrace) +
                        "---\n" +
                        pod_yaml("dongle", sleeper("    resources:\n      limits: {example.com/dongle: 1}\n"), kNoGrace) +
                        "---\n" + pod_yaml("picky", sleeper(), std::string(kNoGrace) + "  nodeSelector: {disktype: ssd}\n"))
                .rc,
            0);
  const std::map<std::string, std::string> reasons = {
      {"big", "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption "
              "victims found for incoming pod."},
      {"dongle", "0/1 nodes are available: 1 Insufficient example.com/dongle. preemption: 0/1 nodes are available: 1 "
                 "No preemption victims found for incoming pod."},
      {"picky", "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes "
                "are available: 1 Preemption is not helpful for scheduling."}};
  for (const auto& [name, message] : reasons) {
    ASSERT_TRUE(env_->eventually([&] { return scheduled_condition(env_->pod(name)).contains("reason"); })) << name;
    json pod = env_->pod(name);
    json cond = scheduled_condition(pod);
    EXPECT_EQ(pod["status"]["phase"], "Pending");
    EXPECT_EQ(cond["status"], "False");
    EXPECT_EQ(cond["reason"], "Unschedulable");
    EXPECT_EQ(cond["message"], message);
    EXPECT_FALSE(pod["spec"].contains("nodeName")) << name;
    EXPECT_FALSE(pod["status"].contains("podIP")) << name;
    std::string described = env_->podctl({"describe", "pod", name}).out;
    EXPECT_NE(described.find("FailedScheduling"), std::string::npos) << described;
    EXPECT_NE(described.find("Node:             <none>"), std::string::npos) << described;
  }
  std::string wide = env_->podctl({"get", "pods", "-o", "wide"}).out;
  EXPECT_NE(wide.find("Pending"), std::string::npos) << wide;
  EXPECT_EQ(wide.find("localhost"), std::string::npos) << wide;  // none of them is on the node
  // Nothing of them ever started, and a delete takes them at once.
  ASSERT_EQ(env_->podctl({"delete", "pods", "big", "dongle", "picky"}).rc, 0);
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "name"}).out, "");
}

TEST_F(Scheduling, APodWaitsForTheCpuItNeedsAndRunsOnceItIsFree) {
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  std::string most = std::to_string(cpus * 1000 - 100) + "m";
  ASSERT_EQ(env_->apply(pod_yaml("holder", sleeper("    resources:\n      requests: {cpu: " + most + "}\n"), kNoGrace)).rc,
            0);
  ASSERT_EQ(env_->apply(pod_yaml("waiter", sleeper("    resources:\n      requests: {cpu: 200m}\n"), kNoGrace)).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return scheduled_condition(env_->pod("waiter")).contains("reason"); }));
  EXPECT_NE(scheduled_condition(env_->pod("waiter"))["message"].get<std::string>().find("1 Insufficient cpu"),
            std::string::npos);
  json holder = env_->pod("holder");
  EXPECT_EQ(holder["spec"]["nodeName"], "localhost");
  EXPECT_EQ(scheduled_condition(holder)["status"], "True");
  ASSERT_EQ(env_->podctl({"delete", "pod", "holder"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("waiter")["status"]["phase"] == "Running"; }));
  json waiter = env_->pod("waiter");
  EXPECT_EQ(waiter["spec"]["nodeName"], "localhost");
  EXPECT_EQ(scheduled_condition(waiter)["status"], "True");
  EXPECT_NE(env_->podctl({"describe", "pod", "waiter"}).out.find("Successfully assigned default/waiter to localhost"),
            std::string::npos);
}

TEST_F(Scheduling, RequiredAntiAffinityKeepsTwoReplicasApartUntilOneGoes) {
  std::string apart = std::string(kNoGrace) +
                      "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                      "      - labelSelector: {matchLabels: {app: solo}}\n        topologyKey: kubernetes.io/hostname\n";
  auto labelled = [&](const std::string& name) {
    std::string yaml = pod_yaml(name, sleeper(), apart);
    return yaml.replace(yaml.find("\nspec:"), 0, "\n  labels: {app: solo}");
  };
  ASSERT_EQ(env_->apply(labelled("solo-1")).rc, 0);
  ASSERT_EQ(env_->apply(labelled("solo-2")).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return scheduled_condition(env_->pod("solo-2")).contains("reason"); }));
  EXPECT_NE(scheduled_condition(env_->pod("solo-2"))["message"].get<std::string>().find("anti-affinity"),
            std::string::npos);
  EXPECT_EQ(env_->pod("solo-1")["status"]["phase"], "Running");
  ASSERT_EQ(env_->podctl({"delete", "pod", "solo-1"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("solo-2")["status"]["phase"] == "Running"; }));
  ASSERT_EQ(env_->podctl({"delete", "pod", "solo-2"}).rc, 0);
  // The scheduler's record of who keeps others away goes with the pods.
  EXPECT_EQ(sh("ls -A " + env_->root() + "/scheduler/anti-affinity").out, "");
}

TEST_F(Scheduling, APodBoundHereByNameThatTheNodeCannotHoldIsRejected) {
  ASSERT_EQ(env_->apply(pod_yaml("pinned", sleeper("    resources:\n      requests: {memory: 1000Gi}\n"),
                                 std::string(kNoGrace) + "  nodeName: localhost\n") +
                        "---\n" + pod_yaml("elsewhere", sleeper(), std::string(kNoGrace) + "  nodeName: node-2\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("pinned")["status"]["phase"] == "Failed"; }));
  json pinned = env_->pod("pinned");
  EXPECT_EQ(pinned["status"]["reason"], "OutOfmemory");
  EXPECT_EQ(pinned["status"]["message"].get<std::string>().rfind(
                "Pod was rejected: Node didn't have enough resource: memory, requested: 1073741824000, used: 0", 0),
            0u);
  EXPECT_NE(env_->podctl({"get", "pods"}).out.find("OutOfmemory"), std::string::npos);
  // Bound to a node that does not exist here: nothing takes it, as on a cluster.
  json elsewhere = env_->pod("elsewhere");
  EXPECT_EQ(elsewhere["status"]["phase"], "Pending");
  EXPECT_FALSE(elsewhere["status"].contains("containerStatuses"));
}

TEST_F(Scheduling, ProjectedVolumesResourceFieldItemsAndPodLevelResources) {
  ASSERT_EQ(env_->apply(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata:
  name: proj
  labels: {app: demo}
spec:
  terminationGracePeriodSeconds: 0
  resources:
    limits: {cpu: "1", memory: 200Mi}
  containers:
  - name: c
    image: busybox:1.35
    command: [sleep, "600"]
    resources:
      requests: {cpu: 100m, memory: 50Mi}
    volumeMounts:
    - {name: all, mountPath: /projected}
  volumes:
  - name: all
    projected:
      defaultMode: 0440
      sources:
      - configMap:
          name: cfg
          items: [{key: greeting, path: config/greeting}]
      - secret:
          name: creds
      - downwardAPI:
          items:
          - {path: labels, fieldRef: {fieldPath: metadata.labels}}
          - path: memory_limit_mi
            resourceFieldRef: {containerName: c, resource: limits.memory, divisor: 1Mi}
          - path: cpu_request_m
            resourceFieldRef: {containerName: c, resource: requests.cpu, divisor: 1m}
)")
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("proj")["status"]["phase"] == "Running"; }));
  auto cat = [&](const std::string& file) { return env_->podctl({"exec", "proj", "--", "cat", "/projected/" + file}).out; };
  EXPECT_EQ(cat("config/greeting"), "hello");
  EXPECT_EQ(cat("password"), "s3cret");
  EXPECT_EQ(cat("labels"), "app=\"demo\"");
  EXPECT_EQ(cat("memory_limit_mi"), "200");  // no container limit: the pod's
  EXPECT_EQ(cat("cpu_request_m"), "100");
  EXPECT_EQ(env_->podctl({"exec", "proj", "--", "stat", "-L", "-c", "%a", "/projected/password"}).out, "440\n");
  EXPECT_NE(env_->podctl({"exec", "proj", "--", "touch", "/projected/x"}).rc, 0);  // read-only, as the kubelet mounts it
  json pod = env_->pod("proj");
  EXPECT_EQ(pod["status"]["qosClass"], "Guaranteed");  // pod-level requests default to its limits
  // The pod's cgroup holds the pod-level limit, above its container's.
  std::string container_cgroup = env_->inspect("proj")["containers"]["c"]["cgroup"];
  std::string pod_cgroup = container_cgroup.substr(0, container_cgroup.rfind('/'));
  std::string mount = pod_cgroup.substr(0, pod_cgroup.find("/podctl/"));
  std::string v2 = sh("cat " + mount + "/cgroup.controllers").out;
  std::string limit = v2.find("memory") != std::string::npos
                          ? sh("cat " + pod_cgroup + "/memory.max").out
                          : sh("cat /sys/fs/cgroup/memory" + pod_cgroup.substr(mount.size()) + "/memory.limit_in_bytes").out;
  EXPECT_EQ(limit, "209715200\n");
}

}  // namespace
}  // namespace podctl::test
