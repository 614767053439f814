// kubectl describe's layout for Deployments and Services.
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

}  // namespace
}  // namespace podctl
