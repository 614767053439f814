// Attacks through volumes: a container that swaps a shared directory and a symlink under another
// container's subPath, one that plants links in its configMap volume, and a planted "..data".
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

class VolumeAttack : public PodctlTest {
 protected:
  void SetUp() override {
    PodctlTest::SetUp();
    if (!env_) return;
    victim_ = std::make_unique<Victim>(env_->root() + "/victim");
  }
  std::string exec(const std::string& pod, const std::string& container, const std::string& script) {
    RunResult r = env_->podctl({"exec", pod, "-c", container, "--", "sh", "-c", script});
    return r.out + r.err;
  }
  bool running(const std::string& pod) { return env_->pod(pod)["status"].value("phase", "") == "Running"; }
  std::unique_ptr<Victim> victim_;
};

TEST_F(VolumeAttack, SubPathSwappedForASymlinkNeverMountsWhatItPointsAt) {
  // The attacker flips shared/d between a directory and a symlink to the victim (an absolute host
  // path, which is what the host would resolve); the writer mounts subPath d and writes into it,
  // restarting as fast as the backoff allows.
  const std::string yaml = pod_yaml(
      "race",
      "  - name: attacker\n    image: busybox:1.35\n    command: [sh, -c, 'cd /shared; while true; do mkdir -p real; "
      "rm -rf d; ln -s " +
          victim_->dir() +
          " d; rm -f d; mkdir d; done']\n"
          "    volumeMounts: [{name: shared, mountPath: /shared}]\n"
          "  - name: writer\n    image: busybox:1.35\n    command: [sh, -c, 'touch /mnt/pwned-$$ 2>/dev/null; exit "
          "1']\n"
          "    volumeMounts: [{name: shared, mountPath: /mnt, subPath: d}]\n",
      "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: shared, emptyDir: {}}\n");
  ASSERT_EQ(env_->podctl({"apply", "--restart-backoff", "10ms:20ms", "-f", "-"}, yaml).rc, 0);
  // Control: the symlink the attacker makes does lead to the victim from the host.
  std::string shared = env_->root() + "/pods/default/race/volumes/shared";
  ASSERT_TRUE(env_->eventually([&] { return fs::is_symlink(shared + "/d"); }, std::chrono::seconds(10)))
      << "the attacker never made its link";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int restarts = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto pod = env_->pod("race");
    for (const auto& s : pod["status"].value("containerStatuses", nlohmann::json::array()))
      if (s["name"] == "writer") restarts = s.value("restartCount", 0);
  }
  EXPECT_GT(restarts, 2) << "the writer did not restart often enough to race";
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
  EXPECT_EQ(env_->podctl({"delete", "pod", "race", "--grace-period", "0"}).rc, 0);
}

TEST_F(VolumeAttack, SubPathThroughAContainerMadeSymlinkCreatesNothingOutside) {
  // An init container makes x -> victim; the app container then mounts subPath x/new, which is
  // missing and would be made through the link.
  ASSERT_EQ(
      env_->apply(pod_yaml("mk",
                           "  - name: user\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                           "    volumeMounts: [{name: shared, mountPath: /data, subPath: x/new}]\n",
                           "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: shared, emptyDir: {}}\n"
                           "  initContainers:\n  - name: planter\n    image: busybox:1.35\n    command: [ln, -s, " +
                               victim_->dir() +
                               ", /shared/x]\n    volumeMounts: [{name: shared, mountPath: /shared}]\n"))
          .rc,
      0);
  std::string shared = env_->root() + "/pods/default/mk/volumes/shared";
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"describe", "pod", "mk"}).out.find("FailedMount") != std::string::npos;
  })) << env_->podctl({"describe", "pod", "mk"}).out;
  ASSERT_TRUE(fs::equivalent(shared + "/x", victim_->dir())) << "control: x leads to the victim";
  RunResult described = env_->podctl({"describe", "pod", "mk"});
  EXPECT_NE(described.out.find("leads outside of its volume"), std::string::npos) << described.out;
  EXPECT_FALSE(fs::exists(victim_->dir() + "/new"));
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(VolumeAttack, ConfigMapSecretAndDownwardApiVolumesAreReadOnly) {
  ASSERT_EQ(env_->apply(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {key: one}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {token: s3cr3t}
---
)" + pod_yaml("ro",
              "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
              "    volumeMounts: [{name: cfg, mountPath: /cfg}, {name: sec, mountPath: /sec}, {name: down, mountPath: "
              "/down}]\n",
              "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: cfg, configMap: {name: cfg}}\n"
              "  - {name: sec, secret: {secretName: sec}}\n"
              "  - name: down\n    downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}\n"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return running("ro"); }));
  for (const char* dir : {"/cfg", "/sec", "/down"}) {
    std::string out = exec(
        "ro", "main", std::string("ln -sfn ../../../../victim ") + dir + "/..data; touch " + dir + "/new; echo done");
    EXPECT_NE(out.find("Read-only file system"), std::string::npos) << dir << ": " << out;
  }
  EXPECT_EQ(exec("ro", "main", "cat /cfg/key"), "one");
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(VolumeAttack, TheAtomicWriterNeverFollowsALinkItDidNotMake) {
  ASSERT_EQ(
      env_->apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {key: one}\n---\n" +
                  pod_yaml("aw",
                           "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                           "    volumeMounts: [{name: cfg, mountPath: /cfg}]\n",
                           "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: cfg, configMap: {name: cfg}}\n"))
          .rc,
      0);
  ASSERT_TRUE(env_->eventually([&] { return running("aw"); }));
  // What a privileged container (or an older podctl's writable mount) could leave behind: "..data"
  // and a top-level name as links to the victim.
  std::string vol = env_->root() + "/pods/default/aw/volumes/cfg";
  fs::remove(vol + "/..data");
  fs::create_symlink("../../../../../victim", vol + "/..data");
  fs::remove(vol + "/key");
  fs::create_symlink(victim_->dir() + "/precious", vol + "/key");
  ASSERT_TRUE(fs::equivalent(vol + "/../../../../../victim", victim_->dir())) << "control: ..data leads to the victim";
  // An update makes the supervisor write a new version and clean up the old one.
  ASSERT_EQ(env_->apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {key: two}\n").rc, 0);
  EXPECT_TRUE(env_->eventually([&] { return exec("aw", "main", "cat /cfg/key") == "two"; }))
      << exec("aw", "main", "ls -la /cfg/; cat /cfg/key");
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

// A claim's data outlives its pods, and a container can leave links to host paths in it: deleting
// the claim removes the links, never what they point at.
TEST_F(VolumeAttack, DeletingAClaimNeverFollowsTheLinksAContainerLeftInIt) {
  const std::string claim =
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n"
      "  resources:\n    requests:\n      storage: 1Mi\n";
  const std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: planter\nspec:\n  restartPolicy: Never\n  volumes:\n  - name: d\n"
      "    persistentVolumeClaim:\n      claimName: data\n  containers:\n  - name: c\n    image: busybox:1.35\n"
      "    command: [\"sh\", \"-c\", \"ln -s " + victim_->dir() + " /data/escape && mkdir /data/sub && ln -s " +
      victim_->dir() + "/dir /data/sub/inner && ln -s " + victim_->dir() + "/a /data/file\"]\n    volumeMounts:\n"
      "    - name: d\n      mountPath: /data\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=30s"}, claim + "---\n" + pod).rc, 0);
  ASSERT_EQ(env_->podctl({"delete", "pod", "planter"}).rc, 0);
  RunResult deleted = env_->podctl({"delete", "pvc", "data"});
  EXPECT_EQ(deleted.rc, 0) << deleted.err;
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
  EXPECT_EQ(sh("ls " + env_->root() + "/volumes/default").out, "");
}

}  // namespace
}  // namespace podctl::test
