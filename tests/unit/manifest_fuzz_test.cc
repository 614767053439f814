// Random, truncated and mutated YAML never crashes the loader: it loads or it reports errors.
#include <gtest/gtest.h>

#include <random>

#include "tests/unit/manifest_test_util.h"

namespace podctl::test {
namespace {

const std::string kSeed = R"y(apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  restartPolicy: OnFailure
  hostAliases:
  - ip: 10.0.0.1
    hostnames: [a, b]
  volumes:
  - name: v
    emptyDir: {sizeLimit: 1Gi}
  containers:
  - name: app
    image: busybox:1.35
    command: ["sh", "-c", "echo $(A)"]
    env: [{name: A, value: "1"}, {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    ports: [{containerPort: 80, hostPort: 8080, name: http}]
    resources: {limits: {cpu: 500m, memory: 64Mi}}
    livenessProbe: {httpGet: {port: http, path: /}, periodSeconds: 3}
    volumeMounts: [{name: v, mountPath: /data}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {k: v}
)y";

TEST(ManifestFuzz, TruncatedAtEveryByteNeverCrashes) {
  for (size_t n = 0; n <= kSeed.size(); ++n) {
    auto r = load_yaml(kSeed.substr(0, n));
    for (const auto& e : r.errors) ASSERT_EQ(e.rfind("pod.yaml", 0), 0u) << e;
  }
}

TEST(ManifestFuzz, RandomMutationsNeverCrash) {
  std::mt19937 rng(20261129);
  const std::string alphabet = " \n\t:-[]{}\"'#&*!|>%@`,?0123456789abcXYZ.~";
  for (int round = 0; round < 3000; ++round) {
    std::string text = kSeed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 1:
          if (at < text.size()) text.erase(at, 1 + rng() % 4);
          break;
        default:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    auto r = load_yaml(text);
    if (r.ok()) {
      EXPECT_FALSE(r.objects.empty());
    }
  }
}

TEST(ManifestFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text(rng() % 200, '\0');
    for (auto& c : text) c = static_cast<char>(rng() % 256);
    (void)load_yaml(text);
  }
  SUCCEED();
}

}  // namespace
}  // namespace podctl::test
