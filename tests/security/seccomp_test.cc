// Seccomp: RuntimeDefault (containerd's profile) unless the pod or container says otherwise or
// the root's default is Unconfined; Localhost profiles from the root's seccomp/ directory; exec
// runs under the container's filter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

class Seccomp : public PodctlTest {
 protected:
  std::string exec(const std::string& pod, const std::string& script) {
    RunResult r = env_->podctl({"exec", pod, "--", "sh", "-c", script});
    return r.out + r.err;
  }
  void run_pod(const std::string& name, const std::string& security_context, const std::string& pod_extra = "") {
    ASSERT_EQ(env_->apply(pod_yaml(name,
                                   "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n" +
                                       security_context,
                                   "  terminationGracePeriodSeconds: 0\n" + pod_extra))
                  .rc,
              0);
    ASSERT_TRUE(env_->eventually([&] { return env_->pod(name)["status"].value("phase", "") == "Running"; }))
        << env_->podctl({"describe", "pod", name}).out;
  }
};

TEST_F(Seccomp, RuntimeDefaultIsTheDefaultAndBlocksNamespacesAndKeyrings) {
  run_pod("def", "");
  std::string out = exec("def",
                         "grep Seccomp: /proc/1/status /proc/self/status; unshare -U true && echo UNSHARED; "
                         "unshare -n true && echo NETNS; echo fine");
  EXPECT_NE(out.find("/proc/1/status:Seccomp:\t2"), std::string::npos) << out;
  EXPECT_NE(out.find("/proc/self/status:Seccomp:\t2"), std::string::npos) << "exec runs under the filter\n" << out;
  EXPECT_EQ(out.find("UNSHARED"), std::string::npos) << out;
  EXPECT_EQ(out.find("NETNS"), std::string::npos) << out;
  EXPECT_NE(out.find("fine"), std::string::npos) << out;
  // Control: Unconfined (set on the container) lets the same call through.
  run_pod("open", "    securityContext: {seccompProfile: {type: Unconfined}}\n");
  std::string open = exec("open", "grep Seccomp: /proc/1/status; unshare -U true && echo UNSHARED");
  EXPECT_NE(open.find("Seccomp:\t0"), std::string::npos) << open;
  EXPECT_NE(open.find("UNSHARED"), std::string::npos) << open;
}

TEST_F(Seccomp, ExecKeepsTheContainersNoNewPrivs) {
  run_pod("nnp", "    securityContext: {allowPrivilegeEscalation: false}\n");
  std::string out = exec("nnp", "grep -E 'NoNewPrivs|Seccomp:' /proc/1/status /proc/self/status");
  EXPECT_NE(out.find("/proc/1/status:NoNewPrivs:\t1"), std::string::npos) << out;
  EXPECT_NE(out.find("/proc/self/status:NoNewPrivs:\t1"), std::string::npos) << out;
  EXPECT_NE(out.find("/proc/self/status:Seccomp:\t2"), std::string::npos) << out;
}

TEST_F(Seccomp, LocalhostProfilesComeFromTheRootsSeccompDirectory) {
  fs::create_directories(env_->root() + "/seccomp/profiles");
  std::ofstream(env_->root() + "/seccomp/profiles/no-mkdir.json")
      << R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
  run_pod("local", "",
          "  securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/no-mkdir.json}}\n");
  std::string out = exec("local", "mkdir /tmp/x && echo MADE; touch /tmp/y && echo TOUCHED");
  EXPECT_EQ(out.find("MADE"), std::string::npos) << out;
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_NE(out.find("TOUCHED"), std::string::npos) << out;
  // A missing profile is the container's error, named; a path out of the directory is refused.
  ASSERT_EQ(
      env_->apply(pod_yaml("missing",
                           "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                           "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: nope.json}}\n"))
          .rc,
      0);
  EXPECT_TRUE(env_->eventually([&] {
    return env_->podctl({"describe", "pod", "missing"}).out.find("seccomp profile") != std::string::npos;
  })) << env_->podctl({"describe", "pod", "missing"}).out;
  RunResult escape = env_->apply(
      pod_yaml("esc",
               "  - name: main\n    image: busybox:1.35\n"
               "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: ../../etc/x.json}}\n"));
  EXPECT_EQ(escape.rc, 2);
  EXPECT_NE(escape.err.find("must be a relative path without '..'"), std::string::npos) << escape.err;
}

TEST_F(Seccomp, TheRootsDefaultCanBeUnconfined) {
  char tmpl[] = "/tmp/podctl-test-seccomp-XXXXXX";
  std::string root = ::mkdtemp(tmpl);
  std::vector<std::string> base = {PODCTL_BINARY,        "--root",   root,           "--bridge",
                                   env_->bridge() + "u", "--subnet", "10.251.9.0/24"};
  auto run = [&](std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, input);
  };
  std::string rootfs = root + "/rootfs";
  ASSERT_EQ(sh(std::string(PODCTL_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh " + rootfs + " >/dev/null").rc, 0);
  ASSERT_EQ(run({"image", "import", "busybox:1.35", rootfs}).rc, 0);
  RunResult applied = run({"--seccomp-default", "Unconfined", "apply", "-f", "-"},
                          pod_yaml("u", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n",
                                   "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_EQ(applied.rc, 0) << applied.err;
  RunResult out;
  EXPECT_TRUE(env_->eventually([&] {
    out = run({"exec", "u", "--", "grep", "Seccomp:", "/proc/1/status"});
    return out.out.find("Seccomp:\t0") != std::string::npos;
  })) << out.out
      << out.err;
  RunResult changed = run({"--seccomp-default", "RuntimeDefault", "apply", "-f", "-"},
                          pod_yaml("v", "  - name: main\n    image: busybox:1.35\n"));
  EXPECT_NE(changed.err.find("was set up with --seccomp-default=Unconfined"), std::string::npos) << changed.err;
  EXPECT_EQ(run({"system", "reset", "--force"}).rc, 0);
  fs::remove_all(root);
}

}  // namespace
}  // namespace podctl::test
