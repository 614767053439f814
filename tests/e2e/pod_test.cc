// End to end: real pods started by the podctl binary, checked through kernel-observable facts.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

const std::string kSleeper = "    image: busybox:1.35\n    command: [\"sleep\", \"3600\"]\n";

class Pod : public PodctlTest {
 protected:
  bool all_running(const std::string& name) const {
    json p = env_->pod(name);
    if (p.is_null() || p["status"]["phase"] != "Running") return false;
    for (const auto& cs : p["status"]["containerStatuses"])
      if (!cs["state"].contains("running")) return false;
    return true;
  }
  std::string exec(const std::string& pod, const std::string& container, const std::string& command) const {
    RunResult r = env_->podctl({"exec", pod, "-c", container, "--", "sh", "-c", command});
    EXPECT_EQ(r.rc, 0) << command << ": " << r.err;
    return r.out;
  }
};

TEST_F(Pod, ContainersShareNetIpcUtsWithThePauseButNotMntOrPid) {
  ASSERT_EQ(env_->apply(pod_yaml("shared", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper)).rc, 0);
  ASSERT_TRUE(all_running("shared"));
  json in = env_->inspect("shared");
  ASSERT_FALSE(in.is_null());
  const json& pause = in["pause"]["namespaces"];
  for (const char* c : {"a", "b"}) {
    const json& ns = in["containers"][c]["namespaces"];
    for (const char* shared : {"net", "ipc", "uts"}) EXPECT_EQ(ns[shared], pause[shared]) << c << " " << shared;
    for (const char* own : {"mnt", "pid"}) EXPECT_NE(ns[own], pause[own]) << c << " " << own;
  }
  EXPECT_NE(in["containers"]["a"]["namespaces"]["mnt"], in["containers"]["b"]["namespaces"]["mnt"]);
  // Negative control: the host is in none of the pod's namespaces.
  struct stat host {};
  ::stat("/proc/self/ns/net", &host);
  EXPECT_NE(pause["net"].get<uint64_t>(), static_cast<uint64_t>(host.st_ino));
}

TEST_F(Pod, HostnameIsThePodNameAndPid1IsTheContainersCommand) {
  ASSERT_EQ(env_->apply(pod_yaml("named", "  - name: a\n" + kSleeper)).rc, 0);
  EXPECT_EQ(exec("named", "a", "hostname"), "named\n");
  EXPECT_EQ(exec("named", "a", "cat /etc/hostname"), "named\n");
  EXPECT_EQ(exec("named", "a", "cat /proc/1/cmdline | tr '\\0' ' '"), "sleep 3600 ");
  EXPECT_NE(exec("named", "a", "cat /etc/hosts").find("\tnamed\n"), std::string::npos);
}

TEST_F(Pod, SysVSharedMemoryAndDevShmAreSharedInThePod) {
  ASSERT_EQ(env_->apply(pod_yaml("ipc", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper)).rc, 0);
  exec("ipc", "a", "probe shm-write 4242 from-a && echo file-from-a > /dev/shm/f");
  EXPECT_EQ(exec("ipc", "b", "probe shm-read 4242"), "from-a\n");
  EXPECT_EQ(exec("ipc", "b", "cat /dev/shm/f"), "file-from-a\n");
  // Negative control: another pod has its own IPC namespace.
  ASSERT_EQ(env_->apply(pod_yaml("other", "  - name: c\n" + kSleeper)).rc, 0);
  EXPECT_NE(env_->podctl({"exec", "other", "--", "probe", "shm-read", "4242"}).rc, 0);
}

TEST_F(Pod, OneContainerServesTcpOnLocalhostAndTheOtherConnects) {
  std::string containers =
      "  - name: server\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"mkdir -p /www && echo hi-from-server "
      "> "
      "/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www\"]\n" +
      std::string("  - name: client\n") + kSleeper;
  ASSERT_EQ(env_->apply(pod_yaml("tcp", containers)).rc, 0);
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"exec", "tcp", "-c", "client", "--", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"}).out ==
           "hi-from-server\n";
  }));
}

TEST_F(Pod, TheHostReachesEveryPodAndPodsReachEachOtherByNameAndIp) {
  std::string server =
      "  - name: server\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"mkdir -p /www && "
      "hostname > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n";
  ASSERT_EQ(env_->apply(pod_yaml("alpha", server)).rc, 0);
  ASSERT_EQ(env_->apply(pod_yaml("beta", server)).rc, 0);
  std::string alpha_ip = env_->pod("alpha")["status"]["podIP"];
  std::string beta_ip = env_->pod("beta")["status"]["podIP"];
  EXPECT_EQ(alpha_ip.rfind(env_->subnet_prefix(), 0), 0u) << alpha_ip;
  ASSERT_TRUE(
      env_->eventually([&] { return sh("timeout 5 wget -q -O - http://" + alpha_ip + ":8080/").out == "alpha\n"; }));
  EXPECT_EQ(sh("timeout 5 wget -q -O - http://" + beta_ip + ":8080/").out, "beta\n");
  EXPECT_EQ(exec("beta", "server", "timeout 5 wget -q -O - http://" + alpha_ip + ":8080/"), "alpha\n");
  // As on a cluster, a bare pod name is not a host name: Services give names.
  EXPECT_EQ(exec("beta", "server", "grep -c alpha /etc/hosts || true"), "0\n");
}

TEST_F(Pod, ARootMadeWithPodNameHostsResolvesPodsByName) {
  std::string server =
      "  - name: server\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"mkdir -p /www && "
      "hostname > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n";
  ASSERT_EQ(env_->podctl({"--pod-name-hosts", "true", "apply", "-f", "-"}, pod_yaml("alpha", server)).rc, 0);
  ASSERT_EQ(env_->apply(pod_yaml("beta", server)).rc, 0);
  // beta was created after alpha, and alpha's /etc/hosts was updated in place for beta.
  ASSERT_TRUE(env_->eventually(
      [&] { return env_->podctl({"exec", "beta", "--", "timeout", "5", "wget", "-q", "-O", "-", "http://alpha:8080/"}).out == "alpha\n"; }));
  EXPECT_EQ(exec("alpha", "server", "timeout 5 wget -q -O - http://beta.default:8080/"), "beta\n");
  // The setting is the root's: another value is refused, as for --subnet.
  RunResult other = env_->podctl({"--pod-name-hosts", "false", "apply", "-f", "-"}, pod_yaml("gamma", server));
  EXPECT_EQ(other.rc, 1);
  EXPECT_NE(other.err.find("was set up with --pod-name-hosts=true"), std::string::npos) << other.err;
}

TEST_F(Pod, DeleteLeavesNothingBehind) {
  ASSERT_EQ(env_->apply(pod_yaml("gone", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper)).rc, 0);
  json in = env_->inspect("gone");
  std::string ip = in["podIP"], veth = in["hostVeth"], cgroup = in["cgroup"];
  std::vector<pid_t> pids = {in["pause"]["pid"], in["containers"]["a"]["pid"], in["containers"]["b"]["pid"],
                             in["supervisor"]["pid"]};
  RunResult del = env_->podctl({"delete", "pod", "gone", "--grace-period", "0"});
  ASSERT_EQ(del.rc, 0) << del.err;
  EXPECT_EQ(del.out, "pod \"gone\" deleted\n");
  for (pid_t p : pids) EXPECT_TRUE(process_gone(p)) << "process " << p << " still exists";
  EXPECT_NE(sh("ip link show " + veth).rc, 0);
  EXPECT_FALSE(std::filesystem::exists(cgroup));
  EXPECT_FALSE(std::filesystem::exists(env_->root() + "/ipam/" + ip));
  EXPECT_FALSE(std::filesystem::exists(env_->root() + "/pods/default/gone"));
  EXPECT_EQ(HostSnapshot::take(env_->bridge()).veths, 0);
  EXPECT_EQ(env_->podctl({"get", "pod", "gone"}).rc, 1);
}

int open_fds(pid_t pid) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    n += e.exists() || true;
  return n;
}

TEST_F(Pod, FiftyApplyDeleteCyclesLeakNothing) {
  ASSERT_EQ(env_->apply(pod_yaml("keeper", "  - name: a\n" + kSleeper)).rc, 0);
  pid_t keeper = env_->inspect("keeper")["supervisor"]["pid"];
  int fds_before = open_fds(keeper);
  auto before = HostSnapshot::take(env_->bridge());
  std::string manifest = pod_yaml("cycled", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper);
  for (int i = 0; i < 50; ++i) {
    RunResult a = env_->apply(manifest);
    ASSERT_EQ(a.rc, 0) << "cycle " << i << ": " << a.err;
    json in = env_->inspect("cycled");
    RunResult d = env_->podctl({"delete", "pod", "cycled", "--grace-period", "0"});
    ASSERT_EQ(d.rc, 0) << "cycle " << i << ": " << d.err;
    ASSERT_FALSE(std::filesystem::exists(in["cgroup"].get<std::string>())) << "cycle " << i;
    for (const char* c : {"a", "b"})
      ASSERT_TRUE(process_gone(in["containers"][c]["pid"].get<pid_t>())) << "cycle " << i;
    ASSERT_TRUE(process_gone(in["pause"]["pid"].get<pid_t>())) << "cycle " << i;
  }
  auto after = HostSnapshot::take(env_->bridge());
  EXPECT_EQ(after.veths, before.veths);
  EXPECT_EQ(after.mounts, before.mounts);
  EXPECT_EQ(open_fds(keeper), fds_before);
  auto ipam = std::filesystem::directory_iterator(env_->root() + "/ipam");
  int addresses = 0;
  for (const auto& e : ipam) addresses += e.path().filename().string().find("last_reserved") == std::string::npos;
  EXPECT_EQ(addresses, 1);  // only the keeper's
  EXPECT_FALSE(std::filesystem::exists(env_->root() + "/pods/default/cycled"));
}

TEST_F(Pod, AKilledSupervisorShowsUnknownAndIsHealedByDeleteAndApply) {
  std::string manifest = pod_yaml("orphan", "  - name: a\n" + kSleeper);
  ASSERT_EQ(env_->apply(manifest).rc, 0);
  json in = env_->inspect("orphan");
  pid_t supervisor = in["supervisor"]["pid"], pause = in["pause"]["pid"], container = in["containers"]["a"]["pid"];
  std::string veth = in["hostVeth"];
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  ASSERT_TRUE(env_->eventually([&] { return process_gone(supervisor); }));
  RunResult get = env_->podctl({"get", "pods"});
  EXPECT_NE(get.out.find("Unknown"), std::string::npos) << get.out;
  // apply notices and cleans up before starting again: the old processes are gone, nothing doubled.
  RunResult again = env_->apply(manifest);
  ASSERT_EQ(again.rc, 0) << again.err;
  EXPECT_NE(again.err.find("cleaning up what it left"), std::string::npos);
  EXPECT_TRUE(process_gone(pause));
  EXPECT_TRUE(process_gone(container));
  ASSERT_TRUE(all_running("orphan"));
  EXPECT_EQ(HostSnapshot::take(env_->bridge()).veths, 1);
  // And delete after another kill -9 leaves nothing.
  json in2 = env_->inspect("orphan");
  ASSERT_EQ(::kill(in2["supervisor"]["pid"].get<pid_t>(), SIGKILL), 0);
  ASSERT_TRUE(env_->eventually([&] { return process_gone(in2["supervisor"]["pid"].get<pid_t>()); }));
  RunResult del = env_->podctl({"delete", "pod", "orphan"});
  EXPECT_EQ(del.rc, 0) << del.err;
  EXPECT_TRUE(process_gone(in2["pause"]["pid"].get<pid_t>()));
  EXPECT_TRUE(process_gone(in2["containers"]["a"]["pid"].get<pid_t>()));
  EXPECT_EQ(HostSnapshot::take(env_->bridge()).veths, 0);
  EXPECT_FALSE(std::filesystem::exists(in2["cgroup"].get<std::string>()));
}

TEST_F(Pod, ShareProcessNamespaceMakesThePausePid1) {
  ASSERT_EQ(env_->apply(pod_yaml("pidshare", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper,
                                 "  shareProcessNamespace: true\n"))
                .rc,
            0);
  json in = env_->inspect("pidshare");
  EXPECT_EQ(in["containers"]["a"]["namespaces"]["pid"], in["pause"]["namespaces"]["pid"]);
  EXPECT_EQ(exec("pidshare", "a", "cat /proc/1/cmdline"), std::string("podctl-pause") + '\0');
  EXPECT_NE(exec("pidshare", "b", "ps"), "");
}

TEST_F(Pod, ExecRunsWithTheContainersEnvAndUserAndReturnsTheExitCode) {
  ASSERT_EQ(env_->apply(pod_yaml("ex", "  - name: a\n" + kSleeper +
                                           "    workingDir: /tmp\n    env:\n    - name: GREETING\n      value: hi\n"
                                           "    securityContext:\n      runAsUser: 1234\n      runAsGroup: 99\n"))
                .rc,
            0);
  EXPECT_EQ(exec("ex", "a", "echo $GREETING $(id -u):$(id -g) $(pwd)"), "hi 1234:99 /tmp\n");
  EXPECT_EQ(env_->podctl({"exec", "ex", "--", "sh", "-c", "exit 7"}).rc, 7);
  RunResult missing = env_->podctl({"exec", "ex", "--", "nope"});
  EXPECT_EQ(missing.rc, 127);
  EXPECT_NE(missing.err.find("executable file not found in $PATH"), std::string::npos);
}

TEST_F(Pod, CapabilitiesAreTheRuntimeDefaultUnlessAdded) {
  ASSERT_EQ(env_->apply(pod_yaml("caps", "  - name: plain\n" + kSleeper + "  - name: admin\n" + kSleeper +
                                             "    securityContext:\n      capabilities:\n        add: [NET_ADMIN]\n"))
                .rc,
            0);
  // The default set is 0xa80425fb (containerd's 14 capabilities); NET_ADMIN is bit 12.
  EXPECT_EQ(exec("caps", "plain", "grep CapEff /proc/1/status"), "CapEff:\t00000000a80425fb\n");
  EXPECT_EQ(exec("caps", "admin", "grep CapEff /proc/1/status"), "CapEff:\t00000000a80435fb\n");
  EXPECT_NE(env_->podctl({"exec", "caps", "-c", "plain", "--", "ip", "link", "set", "lo", "down"}).rc, 0);
  EXPECT_EQ(env_->podctl({"exec", "caps", "-c", "admin", "--", "ip", "link", "add", "v0", "type", "veth", "peer",
                          "name", "v1"})
                .rc,
            0);
}

TEST_F(Pod, TheRootFilesystemIsAFreshOverlayPerContainer) {
  ASSERT_EQ(env_->apply(pod_yaml("fs", "  - name: a\n" + kSleeper + "  - name: b\n" + kSleeper +
                                           "    securityContext:\n      readOnlyRootFilesystem: true\n"))
                .rc,
            0);
  exec("fs", "a", "echo changed > /etc/motd");
  EXPECT_NE(env_->podctl({"exec", "fs", "-c", "b", "--", "cat", "/etc/motd"}).rc, 0);  // not shared
  EXPECT_NE(env_->podctl({"exec", "fs", "-c", "b", "--", "touch", "/x"}).rc, 0);       // read-only
  EXPECT_EQ(exec("fs", "a", "mount | grep ' / ' | cut -d' ' -f1"), "overlay\n");
  EXPECT_EQ(exec("fs", "a", "cat /proc/kcore | wc -c"), "0\n");  // masked as container runtimes do
}

}  // namespace
}  // namespace podctl::test
