// kubectl describe's layout for workloads, Services and claims.
#include "orchestrator/output/describe_workload.h"

#include <gtest/gtest.h>

namespace podctl {
namespace {

using nlohmann::json;

TEST(DescribeWorkload, ADeploymentWithItsReplicasConditionsAndReplicaSets) {
  json d = json::parse(R"({"metadata": {"name": "web", "namespace": "default", "creationTimestamp": "T"},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "busybox:1.35",
                                                   "ports": [{"containerPort": 8080, "protocol": "TCP"}]}]}}},
    "status": {"replicas": 4, "updatedReplicas": 1, "availableReplicas": 3, "unavailableReplicas": 0,
               "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]}})");
  std::vector<json> sets = {
      json::parse(R"({"metadata": {"name": "web-old"}, "spec": {"replicas": 3}, "status": {"replicas": 3}})"),
      json::parse(R"({"metadata": {"name": "web-new"}, "spec": {"replicas": 1}, "status": {"replicas": 1}})")};
  std::string text = describe_deployment(d, sets, "web-new");
  EXPECT_NE(text.find("Replicas:               3 desired | 1 updated | 4 total | 3 available | 0 unavailable\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("RollingUpdateStrategy:  0 max unavailable, 1 max surge\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    Port:       8080/TCP\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Available      True    MinimumReplicasAvailable\n"), std::string::npos) << text;
  EXPECT_NE(text.find("OldReplicaSets:  web-old (3/3 replicas created)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("NewReplicaSet:   web-new (1/1 replicas created)\n"), std::string::npos) << text;
}

TEST(DescribeWorkload, AServiceWithItsPortsAndEndpoints) {
  json s = json::parse(R"({"metadata": {"name": "web", "namespace": "default"},
    "spec": {"type": "NodePort", "clusterIP": "10.96.0.5", "selector": {"app": "web"},
             "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080, "protocol": "TCP"}]}})");
  std::string text = describe_service(s, {{"10.91.0.2:8080", "10.91.0.3:8080"}});
  EXPECT_EQ(text,
            "Name:              web\nNamespace:         default\nLabels:            <none>\n"
            "Annotations:       <none>\nSelector:          app=web\nType:              NodePort\n"
            "IP:                10.96.0.5\nPort:              http  80/TCP\nTargetPort:        http/TCP\n"
            "NodePort:          http  30080/TCP\nEndpoints:         10.91.0.2:8080,10.91.0.3:8080\n"
            "Session Affinity:  None\n");
}

TEST(DescribeWorkload, PodsAreCountedByPhaseAndReadiness) {
  std::vector<json> pods = {
      json::parse(R"({"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}})"),
      json::parse(R"({"status": {"phase": "Pending"}})"), json::parse(R"({"status": {"phase": "Succeeded"}})"),
      json::parse(R"({"status": {"phase": "Failed"}})"), json::parse(R"({})")};
  PodCounts c = count_pods(pods);
  EXPECT_EQ(c.running, 1);
  EXPECT_EQ(c.waiting, 2);  // Pending, and a pod without a status yet
  EXPECT_EQ(c.succeeded, 1);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.ready, 1);
}

TEST(DescribeWorkload, AReplicaSetWithItsOwnerAndPods) {
  json rs = json::parse(R"({"metadata": {"name": "web-5d4", "namespace": "default", "labels": {"app": "web"},
    "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": true}]},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {}},
    "status": {"replicas": 2}})");
  std::string text = describe_replica_set(rs, {2, 0, 0, 0, 2});
  EXPECT_NE(text.find("Controlled By:  Deployment/web\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Replicas:       2 current / 2 desired\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), std::string::npos) << text;
}

TEST(DescribeWorkload, AStatefulSetWithItsClaimTemplates) {
  json sts = json::parse(R"({"metadata": {"name": "kv", "namespace": "default"},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "kv"}},
             "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
             "volumeClaimTemplates": [{"metadata": {"name": "data"},
               "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]},
    "status": {"replicas": 2}})");
  std::string text = describe_stateful_set(sts, {1, 1, 0, 0, 1});
  EXPECT_NE(text.find("Replicas:           3 desired | 2 total\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Partition:        1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Capacity:      1Gi\n  Access Modes:  [RWO]\n"), std::string::npos) << text;
}

TEST(DescribeWorkload, AJobWithItsCountsAndConditions) {
  json job = json::parse(R"({"metadata": {"name": "migrate", "namespace": "default"},
    "spec": {"completions": 3, "parallelism": 2, "backoffLimit": 4, "completionMode": "Indexed"},
    "status": {"startTime": "S", "succeeded": 1, "failed": 1,
               "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}})");
  std::string text = describe_job(job, {1, 0, 1, 1, 1});
  EXPECT_NE(text.find("Completions:      3\nCompletion Mode:  Indexed\nBackoff Limit:    4\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Pods Statuses:    1 Active (1 Ready) / 1 Succeeded / 1 Failed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Failed    True    BackoffLimitExceeded\n"), std::string::npos) << text;
}

TEST(DescribeWorkload, AClaimWithThePodsThatUseIt) {
  json pvc = json::parse(R"({"metadata": {"name": "data", "namespace": "default"},
    "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": "pvc-1"},
    "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]}})");
  EXPECT_EQ(describe_claim(pvc, {"db-0", "db-1"}),
            "Name:          data\nNamespace:     default\nStorageClass:  \nStatus:        Bound\n"
            "Volume:        pvc-1\nLabels:        <none>\nAnnotations:   <none>\nCapacity:      1Gi\n"
            "Access Modes:  RWO\nVolumeMode:    Filesystem\nUsed By:       db-0\n               db-1\n");
}

}  // namespace
}  // namespace podctl
