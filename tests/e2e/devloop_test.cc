// The development loop: diff shows what apply would change, apply --watch re-applies edits,
// delete -f DIR removes what a directory made.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

class DevLoop : public PodctlTest {
 protected:
  void SetUp() override {
    PodctlTest::SetUp();
    dir_ = env_->root() + "-manifests";
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (watcher_ > 0) sh("kill " + std::to_string(watcher_));
    PodctlTest::TearDown();
    std::filesystem::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) {
    // As editors do: a new file renamed over the old one.
    std::ofstream(dir_ + "/." + name + ".tmp") << text;
    std::filesystem::rename(dir_ + "/." + name + ".tmp", dir_ + "/" + name);
  }
  std::string app(const std::string& version) {
    return pod_yaml(
        "app",
        "  - name: a\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"echo " + version + "; sleep 600\"]\n",
        "  terminationGracePeriodSeconds: 0\n");
  }
  std::string dir_;
  pid_t watcher_ = 0;
};

TEST_F(DevLoop, DiffShowsWhatApplyWouldChangeAndExitsOneWhenSomethingWould) {
  write("app.yaml", app("v1"));
  write("cfg.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: abc}\n");
  // What the server fills in (a cluster IP, a node port, a generation) is no change to show.
  write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec:\n  type: NodePort\n"
                    "  selector: {app: app}\n  ports:\n  - port: 80\n");
  write("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 0\n"
                       "  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n"
                       "    spec:\n      containers:\n      - {name: c, image: busybox:1.35}\n");
  RunResult fresh = env_->podctl({"diff", "-f", dir_});
  EXPECT_EQ(fresh.rc, 1);
  EXPECT_NE(fresh.out.find("+++ MERGED/v1.Pod.default.app"), std::string::npos) << fresh.out;
  EXPECT_NE(fresh.out.find("+  token: \"*** (after)\""), std::string::npos) << fresh.out;
  EXPECT_EQ(fresh.out.find("YWJj"), std::string::npos) << "a Secret value was printed";
  ASSERT_EQ(env_->podctl({"apply", "-f", dir_}).rc, 0);
  RunResult same = env_->podctl({"diff", "-f", dir_});
  EXPECT_EQ(same.rc, 0) << same.out;
  write("app.yaml", app("v2"));
  RunResult changed = env_->podctl({"diff", "-f", dir_});
  EXPECT_EQ(changed.rc, 1);
  EXPECT_NE(changed.out.find("-        - echo v1; sleep 600\n+        - echo v2; sleep 600\n"), std::string::npos)
      << changed.out;
  EXPECT_EQ(env_->podctl({"logs", "app"}).out, "v1\n");  // diff changed nothing
}

TEST_F(DevLoop, ApplyWatchPicksUpAnEditAndDeleteByDirectoryRemovesEverything) {
  write("app.yaml", app("v1"));
  std::string cmd = std::string(PODCTL_BINARY) + " --root " + env_->root() + " --bridge " + env_->bridge() +
                    " --subnet " + env_->subnet() + " apply -f " + dir_ + " --watch > " + dir_ + ".log 2>&1 & echo $!";
  watcher_ = std::stoi(sh(cmd).out);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "app"}).out == "v1\n"; }));
  write("app.yaml", app("v2"));
  EXPECT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "app"}).out == "v2\n"; }));
  write("other.yaml", pod_yaml("other", "  - name: b\n    image: busybox:1.35\n    command: [\"sleep\", \"600\"]\n",
                               "  terminationGracePeriodSeconds: 0\n"));
  EXPECT_TRUE(env_->eventually([&] { return env_->podctl({"get", "pod", "other"}).rc == 0; }));
  std::ifstream log(dir_ + ".log");
  std::string all((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  // The change, then what apply made of it (apply's notice of the restart comes between them).
  size_t changed = all.find("changed: " + dir_ + "/app.yaml\n");
  ASSERT_NE(changed, std::string::npos) << all;
  EXPECT_NE(all.find("pod/app configured\n", changed), std::string::npos) << all;
  sh("kill " + std::to_string(watcher_));
  watcher_ = 0;
  RunResult del = env_->podctl({"delete", "-f", dir_});
  EXPECT_EQ(del.rc, 0) << del.err;
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "name"}).out, "");
  std::filesystem::remove(dir_ + ".log");
}

}  // namespace
}  // namespace podctl::test
