// podctl explain: the manifest reference page read as a field table.
#include <gtest/gtest.h>

#include "orchestrator/reference/field_reference.h"

namespace podctl {
namespace {

const char* const kPage = R"(# Manifest reference

## Pod

| field | meaning in podctl | default, limits |
|---|---|---|
| `spec.securityContext.runAsUser`, `.runAsGroup` (both `0` here) | user and group | 0 |
| `spec.serviceAccountName` (and its old alias `serviceAccount`) | the name | `default` |
| `spec.containers[]` | the containers; in order | at least one |

## Container

Containers are processes.

| field | meaning in podctl | default, limits |
|---|---|---|
| `image` | a reference; see [images](images.md) | required |
| `ports[].hostPort`, `ports[].hostIP` | published | 1–65535 |
| `securityContext.allowPrivilegeEscalation: false` | no_new_privs | |

## Deployment and ReplicaSet (`apps/v1`)

Kept by a **controller**.

| field | meaning in podctl |
|---|---|
| `spec.replicas` | default 1 |
| `spec.strategy.type` (Deployment) | RollingUpdate or Recreate |
| `spec.sessionAffinity`, `sessionAffinityConfig.clientIP.timeoutSeconds` | affinity |
)";

std::vector<std::string> paths(const KindReference& ref) {
  std::vector<std::string> out;
  for (const auto& f : ref.fields) out.push_back(f.path);
  return out;
}

TEST(FieldReference, RowsNameFullPathsAndNotesInParenthesesAreNotFields) {
  auto pod = kind_reference(kPage, "pods");
  EXPECT_EQ(pod.kind, "Pod");
  EXPECT_EQ(pod.api_version, "v1");
  EXPECT_EQ(paths(pod), (std::vector<std::string>{
                            "spec.securityContext.runAsUser", "spec.securityContext.runAsGroup",
                            "spec.serviceAccountName", "spec.containers", "spec.containers.image",
                            "spec.containers.ports.hostPort", "spec.containers.ports.hostIP",
                            "spec.containers.securityContext.allowPrivilegeEscalation", "spec.initContainers.image",
                            "spec.initContainers.ports.hostPort", "spec.initContainers.ports.hostIP",
                            "spec.initContainers.securityContext.allowPrivilegeEscalation"}));
  EXPECT_EQ(pod.fields[4].meaning, "a reference; see images");  // links as their text
  EXPECT_EQ(pod.fields[0].limits, "0");
}

TEST(FieldReference, ARowMarkedForDeploymentsIsNotAReplicaSets) {
  auto deployment = kind_reference(kPage, "deployments");
  auto replica_set = kind_reference(kPage, "replicasets");
  EXPECT_EQ(deployment.description, "Kept by a controller.");
  EXPECT_EQ(paths(deployment), (std::vector<std::string>{"spec.replicas", "spec.strategy.type", "spec.sessionAffinity",
                                                         "spec.sessionAffinityConfig.clientIP.timeoutSeconds"}));
  EXPECT_EQ(replica_set.kind, "ReplicaSet");
  EXPECT_EQ(paths(replica_set), (std::vector<std::string>{"spec.replicas", "spec.sessionAffinity",
                                                          "spec.sessionAffinityConfig.clientIP.timeoutSeconds"}));
}

TEST(FieldReference, ExplainShowsAFieldItsChildrenOrTheRowThatCoversIt) {
  auto leaf = explain_field(kPage, "pods", "spec.containers[].image", false);
  ASSERT_TRUE(leaf.has_value());
  EXPECT_EQ(*leaf, "KIND:       Pod\nVERSION:    v1\n\nFIELD: spec.containers[].image\n\nDESCRIPTION:\n"
                   "    a reference; see images\n\nDEFAULT AND LIMITS:\n    required\n\n");
  auto parent = explain_field(kPage, "pods", "spec.containers.ports", true);
  ASSERT_TRUE(parent.has_value());
  EXPECT_NE(parent->find("FIELDS:\n  hostPort\n  hostIP\n"), std::string::npos) << *parent;
  auto covered = explain_field(kPage, "pods", "spec.containers.ports.hostPort.extra", false);
  ASSERT_TRUE(covered.has_value());
  EXPECT_NE(covered->find("DESCRIPTION (of spec.containers.ports.hostPort, which covers it):"), std::string::npos);
  auto unknown = explain_field(kPage, "pods", "spec.nope", false);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message,
            "field \"spec.nope\" of Pod is not one podctl supports (the manifest reference lists those it does, and "
            "what it refuses)");
}

TEST(FieldReference, AWorkloadsPodTemplateIsExplainedAsAPod) {
  auto t = explain_field(kPage, "deployments", "spec.template.spec.containers.image", false);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->rfind("KIND:       Deployment\nVERSION:    apps/v1\n\nFIELD: spec.template.spec.containers.image (the "
                     "pod template's: a Pod's spec.containers.image)\n\nDESCRIPTION:\n    a reference",
                     0),
            0u)
      << *t;
}

// The page as built in: every kind podctl applies has its section, and the fields users look up most.
TEST(FieldReference, TheBuiltInPageDocumentsEveryKind) {
  for (const char* r : {"pods", "deployments", "replicasets", "statefulsets", "jobs", "services",
                        "persistentvolumeclaims", "configmaps", "secrets", "namespaces"}) {
    auto text = explain_field(manifest_reference_text(), r, "", false);
    ASSERT_TRUE(text.has_value()) << r;
    EXPECT_GT(text->size(), 200u) << r << ":\n" << *text;
  }
  for (const char* p : {"spec.containers.image", "spec.containers.livenessProbe", "spec.volumes.configMap",
                        "spec.restartPolicy", "spec.containers.resources.limits"})
    EXPECT_TRUE(explain_field(manifest_reference_text(), "pods", p, false).has_value()) << p;
  EXPECT_TRUE(explain_field(manifest_reference_text(), "deployments", "spec.strategy.rollingUpdate.maxSurge", false));
  EXPECT_TRUE(explain_field(manifest_reference_text(), "jobs", "spec.backoffLimit", false));
  EXPECT_TRUE(explain_field(manifest_reference_text(), "services", "spec.ports.nodePort", false));
}

}  // namespace
}  // namespace podctl
