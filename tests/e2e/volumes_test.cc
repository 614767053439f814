// Volumes (emptyDir, hostPath, configMap, secret, downwardAPI; readOnly, subPath), environment
// from ConfigMaps, Secrets and the downward API, and pods that wait for their ConfigMap.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

const char* kConfig = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {mode: fast, greeting: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: s3cr3t}
)";

class Volumes : public PodctlTest {
 protected:
  void SetUp() override {
    PodctlTest::SetUp();
    host_dir_ = "/tmp/podctl-test-hostpath-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(host_dir_);
    sh("echo from-host > " + host_dir_ + "/f.txt");
  }
  void TearDown() override {
    PodctlTest::TearDown();
    std::filesystem::remove_all(host_dir_);
  }
  std::string in(const std::string& pod, const std::string& container, const std::string& script) const {
    return env_->podctl({"exec", pod, "-c", container, "--", "sh", "-c", script}).out;
  }
  std::string host_dir_;
};

TEST_F(Volumes, EveryKindIsMountedWithItsModeAndReadOnlyReallyIsReadOnly) {
  ASSERT_EQ(env_->apply(kConfig).rc, 0);
  ASSERT_EQ(env_->apply(R"(apiVersion: v1
kind: Pod
metadata:
  name: vol
  labels: {app: vol}
spec:
  terminationGracePeriodSeconds: 0
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 1Mi}}
  - {name: host, hostPath: {path: )" +
                        host_dir_ + R"(, type: Directory}}
  - name: cfg
    configMap:
      name: app-config
      items: [{key: mode, path: conf/mode.txt, mode: 0600}]
  - {name: creds, secret: {secretName: db}}
  - name: info
    downwardAPI:
      items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
  containers:
  - name: writer
    image: busybox:1.35
    command: ["sh", "-c", "echo from-writer > /shared/x; sleep 600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: reader
    image: busybox:1.35
    command: ["sleep", "600"]
    volumeMounts:
    - {name: shared, mountPath: /data/shared, readOnly: true}
    - {name: mem, mountPath: /mem}
    - {name: host, mountPath: /host, readOnly: true}
    - {name: cfg, mountPath: /etc/app}
    - {name: creds, mountPath: /secrets}
    - {name: info, mountPath: /info}
    - {name: cfg, mountPath: /mode-file, subPath: conf/mode.txt}
)")
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return in("vol", "reader", "cat /data/shared/x") == "from-writer\n"; }));
  EXPECT_EQ(in("vol", "reader", "cat /host/f.txt"), "from-host\n");
  EXPECT_EQ(in("vol", "reader", "cat /etc/app/conf/mode.txt; stat -c %a /etc/app/conf/mode.txt"), "fast600\n");
  EXPECT_EQ(in("vol", "reader", "cat /mode-file"), "fast");
  EXPECT_EQ(in("vol", "reader", "cat /secrets/password; stat -f -c %T /secrets"), "s3cr3ttmpfs\n");
  EXPECT_EQ(in("vol", "reader", "cat /info/labels"), "app=\"vol\"");
  EXPECT_EQ(in("vol", "reader", "stat -f -c %T /mem; df -k /mem | tail -1 | awk '{print $2}'"), "tmpfs\n1024\n");
  // Read-only binds refuse writes, and nothing reached the host.
  EXPECT_NE(in("vol", "reader", "touch /host/new 2>&1").find("Read-only file system"), std::string::npos);
  EXPECT_NE(in("vol", "reader", "(echo x > /data/shared/y) 2>&1").find("Read-only file system"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(host_dir_ + "/new"));
}

TEST_F(Volumes, EnvironmentComesFromConfigMapsSecretsAndThePod) {
  ASSERT_EQ(env_->apply(kConfig).rc, 0);
  ASSERT_EQ(env_->apply(pod_yaml("envs", R"(  - name: a
    image: busybox:1.35
    command: ["sleep", "600"]
    envFrom:
    - configMapRef: {name: app-config}
      prefix: CFG_
    env:
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: db, key: password}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
)",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  std::string ip = env_->pod("envs")["status"]["podIP"];
  EXPECT_EQ(in("envs", "a", "echo $CFG_mode $CFG_greeting $PASSWORD $POD_IP $POD_NAME"),
            "fast hello s3cr3t " + ip + " envs\n");
}

TEST_F(Volumes, APodWaitsForItsConfigMapAndStartsOnceItIsAppliedThenSeesUpdates) {
  ASSERT_EQ(env_
                ->apply(pod_yaml(
                    "waits", R"(  - name: a
    image: busybox:1.35
    command: ["sleep", "600"]
    env:
    - name: MODE
      valueFrom: {configMapKeyRef: {name: app-config, key: mode}}
    volumeMounts: [{name: cfg, mountPath: /etc/app}]
)",
                    "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: cfg, configMap: {name: app-config}}\n"))
                .rc,
            0);
  json cs = env_->pod("waits")["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["state"]["waiting"]["reason"], "CreateContainerConfigError");
  EXPECT_EQ(cs["state"]["waiting"]["message"], "configmap \"app-config\" not found");
  EXPECT_EQ(env_->pod("waits")["status"]["phase"], "Pending");
  ASSERT_EQ(env_->apply(kConfig).rc, 0);
  RunResult wait = env_->podctl({"wait", "pod/waits", "--for=condition=Ready", "--timeout=5s"});
  EXPECT_EQ(wait.rc, 0) << wait.err;
  EXPECT_EQ(in("waits", "a", "echo $MODE; cat /etc/app/mode"), "fast\nfast");
  // A changed ConfigMap reaches the running container's volume (its environment stays).
  std::string changed = kConfig;
  changed.replace(changed.find("mode: fast"), 10, "mode: slow");
  ASSERT_EQ(env_->apply(changed).rc, 0);
  EXPECT_TRUE(env_->eventually([&] { return in("waits", "a", "cat /etc/app/mode") == "slow"; }));
  EXPECT_EQ(in("waits", "a", "echo $MODE"), "fast\n");
}

TEST_F(Volumes, AFailingHostPathCheckKeepsTheContainerCreatingWithTheReason) {
  ASSERT_EQ(env_->apply(pod_yaml("nodir", R"(  - name: a
    image: busybox:1.35
    command: ["sleep", "600"]
    volumeMounts: [{name: h, mountPath: /h}]
)",
                                 "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: h, hostPath: {path: " +
                                     host_dir_ + "/f.txt, type: Directory}}\n"))
                .rc,
            0);
  EXPECT_EQ(env_->pod("nodir")["status"]["containerStatuses"][0]["state"]["waiting"]["reason"], "ContainerCreating");
  std::string events = env_->podctl({"describe", "pod", "nodir"}).out;
  EXPECT_NE(events.find("FailedMount"), std::string::npos) << events;
  EXPECT_NE(events.find("hostPath type check failed: " + host_dir_ + "/f.txt is not a directory"), std::string::npos)
      << events;
}

TEST_F(Volumes, AClaimsDataOutlivesItsPodsAndGoesWithTheClaim) {
  const std::string claim =
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: "
      "[ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n";
  const std::string writer =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: writer\nspec:\n  restartPolicy: Never\n  volumes:\n  - name: "
      "d\n    persistentVolumeClaim:\n      claimName: data\n  containers:\n  - name: w\n    image: busybox:1.35\n"
      "    command: [\"sh\", \"-c\", \"echo run >> /data/log; wc -l < /data/log\"]\n    volumeMounts:\n    - name: d\n"
      "      mountPath: /data\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=30s"}, claim + "---\n" + writer).rc, 0);
  EXPECT_EQ(env_->podctl({"logs", "writer"}).out, "1\n");
  json pvc = json::parse(env_->podctl({"get", "pvc", "data", "-o", "json"}).out);
  EXPECT_EQ(pvc["status"]["phase"], "Bound");
  EXPECT_EQ(pvc["spec"]["volumeName"], "pvc-" + pvc["metadata"]["uid"].get<std::string>());
  // In use: refused, as the pvc-protection finalizer would hold it.
  RunResult busy = env_->podctl({"delete", "pvc", "data"});
  EXPECT_EQ(busy.rc, 1);
  EXPECT_NE(busy.err.find("is in use by pod/writer"), std::string::npos) << busy.err;
  ASSERT_EQ(env_->podctl({"delete", "pod", "writer"}).rc, 0);
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=30s"}, writer).rc, 0);
  EXPECT_EQ(env_->podctl({"logs", "writer"}).out, "2\n");  // the first pod's line is still there
  ASSERT_EQ(env_->podctl({"delete", "pod", "writer"}).rc, 0);
  ASSERT_EQ(env_->podctl({"delete", "pvc", "data"}).rc, 0);
  EXPECT_EQ(sh("ls " + env_->root() + "/volumes/default").out, "");
  // A new claim of the same name starts empty.
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=30s"}, claim + "---\n" + writer).rc, 0);
  EXPECT_EQ(env_->podctl({"logs", "writer"}).out, "1\n");
}

}  // namespace
}  // namespace podctl::test
