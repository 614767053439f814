#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "manifests/defaults.h"
#include "manifests/serialize.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl::test {
namespace {

const char* kMinimal = R"(apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: busybox:1.35
)";

TEST(ManifestLoad, MinimalPodGetsKubernetesDefaults) {
  auto r = load_yaml(kMinimal);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& pod = only_pod(r);
  EXPECT_EQ(pod.metadata.namespace_, "default");
  EXPECT_EQ(pod.spec.restart_policy, "Always");
  EXPECT_EQ(pod.spec.termination_grace_period_seconds, 30);
  EXPECT_EQ(pod.spec.dns_policy, "ClusterFirst");
  EXPECT_EQ(pod.spec.containers[0].image_pull_policy, "IfNotPresent");
}

TEST(ManifestLoad, PullPolicyDefaultsFollowTheTag) {
  EXPECT_EQ(manifest::default_pull_policy("busybox"), "Always");
  EXPECT_EQ(manifest::default_pull_policy("busybox:latest"), "Always");
  EXPECT_EQ(manifest::default_pull_policy("localhost:5000/app"), "Always");
  EXPECT_EQ(manifest::default_pull_policy("localhost:5000/app:1.2"), "IfNotPresent");
  EXPECT_EQ(manifest::default_pull_policy("busybox@sha256:0123"), "IfNotPresent");
}

TEST(ManifestLoad, ProbeAndPortDefaults) {
  auto r = load_yaml(std::string(kMinimal) + R"(    ports:
    - containerPort: 80
    livenessProbe:
      httpGet:
        port: 80
)",
                     false);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& c = only_pod(r).spec.containers[0];
  EXPECT_EQ(c.ports[0].protocol, "TCP");
  ASSERT_TRUE(c.liveness_probe);
  EXPECT_EQ(c.liveness_probe->timeout_seconds, 1);
  EXPECT_EQ(c.liveness_probe->period_seconds, 10);
  EXPECT_EQ(c.liveness_probe->success_threshold, 1);
  EXPECT_EQ(c.liveness_probe->failure_threshold, 3);
  EXPECT_EQ(c.liveness_probe->handler.http_get->path, "/");
  EXPECT_EQ(c.liveness_probe->handler.http_get->scheme, "HTTP");
}

TEST(ManifestLoad, LimitWithoutRequestDefaultsTheRequest) {
  auto r = load_yaml(std::string(kMinimal) + "    resources:\n      limits:\n        memory: 64Mi\n", false);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(only_pod(r).spec.containers[0].resources.requests.at("memory").value(), 64 * 1024 * 1024);
}

TEST(ManifestLoad, VolumeWithoutSourceIsAnEmptyDir) {
  auto r = load_yaml(std::string(kMinimal) + "  volumes:\n  - name: scratch\n", false);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_TRUE(only_pod(r).spec.volumes[0].empty_dir.has_value());
}

TEST(ManifestLoad, MultiDocumentFileWithConfigMapAndEmptyDocuments) {
  auto r = load_yaml(std::string("---\n") + kMinimal +
                     "---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(manifest::kind_of(r.objects[1].object), "ConfigMap");
  EXPECT_EQ(std::get<manifest::ConfigMap>(r.objects[1].object).data.at("a"), "1");
}

TEST(ManifestLoad, BadSecondDocumentRejectsTheWholeFile) {
  auto r = load_yaml(std::string(kMinimal) +
                     "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: a\n "
                     "   image: busybox:1\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("pod.yaml:13:9: metadata.name: \"Bad_Name\""), std::string::npos) << errors_of(r);
}

TEST(ManifestLoad, DirectoryIsReadSortedAndSkipsOtherFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("podctl-load-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "b.yaml") << kMinimal;
  std::string second = kMinimal;
  second.replace(second.find("web"), 3, "api");
  std::ofstream(dir / "a.yml") << second;
  std::ofstream(dir / "notes.txt") << "not a manifest: {";
  auto r = manifest::load_manifests({dir.string()}, {});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(manifest::metadata_of(r.objects[0].object).name, "api");
  EXPECT_EQ(manifest::metadata_of(r.objects[1].object).name, "web");
}

TEST(ManifestLoad, MissingPathIsAnError) {
  auto r = manifest::load_manifests({"/nonexistent/pod.yaml"}, {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "/nonexistent/pod.yaml: the path does not exist");
}

TEST(ManifestLoad, SameObjectTwiceIsAnError) {
  auto r = load_yaml(std::string(kMinimal) + "---\n" + kMinimal);
  ASSERT_TRUE(r.ok());  // load_text alone does not compare documents; load_manifests does
  auto dir = std::filesystem::temp_directory_path() / ("podctl-dup-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(dir) << kMinimal << "---\n" << kMinimal;
  auto all = manifest::load_manifests({dir.string()}, {});
  std::filesystem::remove(dir);
  ASSERT_EQ(all.errors.size(), 1u) << errors_of(all);
  EXPECT_NE(all.errors[0].find(":10:1: metadata.name: Pod \"web\" in namespace \"default\" is also defined at"),
            std::string::npos)
      << all.errors[0];
}

TEST(ManifestLoad, YamlSyntaxErrorCarriesTheLine) {
  auto r = load_yaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("pod.yaml:", 0), 0u);
  EXPECT_NE(r.errors[0].find("invalid YAML"), std::string::npos) << r.errors[0];
}

TEST(ManifestLoad, StoredJsonReadsBackToTheSameSpec) {
  auto r = load_yaml(std::string(kMinimal) + R"(    command: ["sh", "-c", "echo hi"]
    env:
    - name: A
      value: "1"
    securityContext:
      runAsUser: 1000
      capabilities:
        add: [NET_ADMIN]
  hostAliases:
  - ip: 10.1.2.3
    hostnames: [db]
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  std::string json = manifest::to_json(only_pod(r)).dump();
  auto again = load_yaml(json);
  ASSERT_TRUE(again.ok()) << errors_of(again);
  EXPECT_EQ(only_pod(again), only_pod(r));
  EXPECT_EQ(manifest::pod_hash(only_pod(again)), manifest::pod_hash(only_pod(r)));
}

TEST(ManifestLoad, ContainerHashChangesOnlyWithTheContainer) {
  auto a = load_yaml(kMinimal);
  std::string changed = kMinimal;
  changed.replace(changed.find("1.35"), 4, "1.36");
  auto b = load_yaml(changed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(manifest::container_hash(only_pod(a).spec.containers[0]),
            manifest::container_hash(only_pod(b).spec.containers[0]));
  EXPECT_EQ(manifest::container_hash(only_pod(a).spec.containers[0]),
            manifest::container_hash(only_pod(load_yaml(kMinimal)).spec.containers[0]));
}

TEST(ManifestLoad, PodLevelHashIgnoresContainerContentsButNotTheirNames) {
  auto base = only_pod(load_yaml(kMinimal));
  std::string changed_image = kMinimal;
  changed_image.replace(changed_image.find("1.35"), 4, "1.36");
  EXPECT_EQ(manifest::pod_level_hash(only_pod(load_yaml(changed_image))), manifest::pod_level_hash(base));
  std::string renamed = kMinimal;
  renamed.replace(renamed.find("name: app"), 9, "name: api");
  EXPECT_NE(manifest::pod_level_hash(only_pod(load_yaml(renamed))), manifest::pod_level_hash(base));
  auto host = only_pod(
      load_yaml(std::string(kMinimal).replace(std::string(kMinimal).find("  containers:"), 0, "  hostname: h\n")));
  EXPECT_NE(manifest::pod_level_hash(host), manifest::pod_level_hash(base));
}

}  // namespace
}  // namespace podctl::test
