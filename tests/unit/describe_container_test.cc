// describe's container and volume sections, as kubectl lays them out.
#include <gtest/gtest.h>

#include "orchestrator/output/describe_container.h"

namespace podctl {
namespace {

using nlohmann::json;

TEST(DescribeContainer, PortsCommandProbesEnvironmentAndMounts) {
  json c = json::parse(R"({
    "name": "web",
    "command": ["sh", "-c", "echo one\necho two"],
    "ports": [{"containerPort": 8080, "hostPort": 18080, "protocol": "TCP"}],
    "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 1, "failureThreshold": 2},
    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
    "env": [{"name": "PLAIN", "value": "x"},
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode", "optional": true}}},
            {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
    "envFrom": [{"configMapRef": {"name": "cfg"}}],
    "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "cfg", "mountPath": "/etc/app", "readOnly": true, "subPath": "app"}]
  })");
  EXPECT_EQ(describe_ports(c), "    Port:           8080/TCP\n    Host Port:      18080/TCP\n");
  EXPECT_EQ(describe_command(c), "    Command:\n      sh\n      -c\n      echo one\n      echo two\n");
  EXPECT_EQ(describe_probes(c),
            "    Liveness:       exec [cat /tmp/healthy] delay=0s timeout=1s period=1s #success=1 #failure=2\n"
            "    Readiness:      http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3\n");
  EXPECT_EQ(describe_environment(c),
            "    Environment Variables from:\n      cfg  ConfigMap  Optional: false\n"
            "    Environment:\n"
            "      PLAIN:  x\n"
            "      TOKEN:  <set to the key 'token' in secret 'creds'>  Optional: false\n"
            "      MODE:  <set to the key 'mode' of config map 'cfg'>  Optional: true\n"
            "      POD: (v1:metadata.name)\n");
  EXPECT_EQ(describe_mounts(c), "    Mounts:\n      /data from data (rw)\n      /etc/app from cfg (ro,path=\"app\")\n");
}

TEST(DescribeContainer, NothingSetSaysNone) {
  json c = json::parse(R"({"name": "a"})");
  EXPECT_EQ(describe_ports(c) + describe_command(c) + describe_probes(c), "");
  EXPECT_EQ(describe_environment(c), "    Environment:    <none>\n");
  EXPECT_EQ(describe_mounts(c), "    Mounts:         <none>\n");
  EXPECT_EQ(describe_volumes(json::object()), "Volumes:            <none>\n");
}

TEST(DescribeVolumes, EachKindWithItsSource) {
  json spec = json::parse(R"({"volumes": [
    {"name": "data", "emptyDir": {}},
    {"name": "cfg", "configMap": {"name": "app-config"}},
    {"name": "creds", "secret": {"secretName": "creds", "optional": true}}]})");
  EXPECT_EQ(describe_volumes(spec),
            "Volumes:\n"
            "  data:\n    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n"
            "    Medium:     \n    SizeLimit:  <unset>\n"
            "  cfg:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      app-config\n"
            "    Optional:  false\n"
            "  creds:\n    Type:        Secret (a volume populated by a Secret)\n    SecretName:  creds\n"
            "    Optional:    true\n");
}

}  // namespace
}  // namespace podctl
