// Attacks from inside a running pod: what a container can reach of the host through its own
// processes' file descriptors, the pause, and the supervisor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class PodAttack : public PodctlTest {
 protected:
  std::string exec(const std::string& pod, const std::string& script, int* rc = nullptr) {
    RunResult r = env_->podctl({"exec", pod, "--", "sh", "-c", script});
    if (rc) *rc = r.rc;
    return r.out + r.err;
  }
};

TEST_F(PodAttack, NoHostFileDescriptorReachesThePauseOrTheContainers) {
  env_->apply(pod_yaml("fds", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n",
                       "  shareProcessNamespace: true\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("fds")["status"].value("phase", "") == "Running"; }));
  // /proc/1 is the pause (shared pid namespace); the container's sleep is the other.
  std::string pause_fds = exec("fds", "ls /proc/1/fd");
  EXPECT_EQ(pause_fds, "0\n1\n2\n");
  std::string main_fds = exec("fds", "ls /proc/$(pidof sleep)/fd");
  EXPECT_EQ(main_fds, "0\n1\n2\n");
  // The attack: write through the pause's stdio and any other fd it may hold.
  std::string log = env_->root() + "/pods/default/fds/supervisor.log";
  std::string before = slurp(log);
  exec("fds", "for f in /proc/1/fd/*; do echo PWNED >> $f; done 2>/dev/null; true");
  EXPECT_EQ(slurp(log).find("PWNED"), std::string::npos) << "the pause's fds reach the supervisor's log";
  EXPECT_EQ(slurp(log), before);
  // Nothing the pause holds is a host file.
  std::string links = exec("fds", "ls -l /proc/1/fd /proc/$(pidof sleep)/fd");
  EXPECT_EQ(links.find(env_->root()), std::string::npos) << links;
}

TEST_F(PodAttack, ThePausesRootIsEmptyNotTheHost) {
  Victim victim(env_->root() + "/victim");
  env_->apply(pod_yaml("root",
                       "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                       "    securityContext: {capabilities: {add: [SYS_PTRACE]}}\n",
                       "  shareProcessNamespace: true\n  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("root")["status"].value("phase", "") == "Running"; }));
  // With a shared pid namespace and CAP_SYS_PTRACE, /proc/1/root is the pause's root.
  EXPECT_EQ(exec("root", "ls -A /proc/1/root/"), "pause\n");
  std::string out = exec("root", "cat /proc/1/root/etc/shadow; ls /proc/1/root" + victim.dir() +
                                     "; touch /proc/1/root/planted; rm -rf /proc/1/root" + victim.dir() + "; echo end");
  EXPECT_EQ(out.find("root:"), std::string::npos) << out;
  EXPECT_NE(out.find("Read-only file system"), std::string::npos) << out;
  EXPECT_TRUE(victim.intact()) << victim.damage();
  // Control: the container's own root is reachable the same way (the path is not simply refused).
  EXPECT_NE(exec("root", "ls /proc/$(pidof sleep)/root/bin/ | head -3"), "");
}

TEST_F(PodAttack, OtherUsersOfTheMachineReadNothingOfAPod) {
  ASSERT_EQ(
      env_->apply("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: s3cr3t}\n---\n" +
                  pod_yaml(
                      "data",
                      "  - name: main\n    image: busybox:1.35\n    command: [sh, -c, 'echo logged; sleep 3600']\n"
                      "    env: [{name: PASSWORD, value: hunter2}]\n"
                      "    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: s, mountPath: /s}]\n"
                      "  - name: user\n    image: busybox:1.35\n    securityContext: {runAsUser: 1000}\n"
                      "    command: [sh, -c, 'echo mine > /scratch/f && cat /scratch/f /s/token && echo; sleep 3600']\n"
                      "    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: s, mountPath: /s}]\n",
                      "  terminationGracePeriodSeconds: 0\n  volumes:\n  - {name: scratch, emptyDir: {}}\n"
                      "  - {name: s, secret: {secretName: s}}\n"))
          .rc,
      0);
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("data")["status"].value("phase", "") == "Running"; }));
  std::string pod = env_->root() + "/pods/default/data";
  // Control: the files are there, and root reads them.
  ASSERT_EQ(sh("grep -q hunter2 " + pod + "/spec.json").rc, 0);
  for (const std::string& target : {pod + "/spec.json", pod + "/logs/main/0.log", pod + "/volumes/s/token",
                                    env_->root() + "/secrets/default/s.json", env_->root() + "/images/index.json"}) {
    RunResult r = sh("setpriv --reuid=65534 --regid=65534 --clear-groups cat " + target);
    EXPECT_NE(r.rc, 0) << target << " is readable by another user: " << r.out;
  }
  RunResult ls = sh("setpriv --reuid=65534 --regid=65534 --clear-groups ls " + pod + "/volumes/scratch");
  EXPECT_NE(ls.rc, 0) << "an emptyDir is reachable by another user";
  // A container's own non-root user still uses its volumes: through the mounts, not host paths.
  EXPECT_TRUE(env_->eventually([&] {
    return env_->podctl({"logs", "data", "-c", "user"}).out == "mine\ns3cr3t\n";
  })) << env_->podctl({"logs", "data", "-c", "user"}).out;
}

TEST_F(PodAttack, ImageSymlinksOverMountPointsStayInsideTheContainer) {
  Victim victim(env_->root() + "/victim");
  // An image whose /etc files and /proc, /sys and /dev/shm are links to host paths (the victim).
  std::string rootfs = env_->root() + "/evil-rootfs";
  ASSERT_EQ(sh(std::string(PODCTL_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh " + rootfs + " >/dev/null").rc, 0);
  const std::string v = victim.dir();
  ASSERT_EQ(sh("cd " + rootfs +
               " && rm -rf proc sys etc/resolv.conf etc/hosts etc/hostname && "
               "ln -s " +
               v + "/planted-resolv etc/resolv.conf && ln -s " + v +
               "/planted-hosts etc/hosts && "
               "ln -s " +
               v + "/planted-hostname etc/hostname && ln -s " + v + "/proc-here proc && ln -s " + v + "/inner sys")
                .rc,
            0);
  ASSERT_EQ(env_->podctl({"image", "import", "evil:1", rootfs}).rc, 0);
  env_->apply(pod_yaml("links",
                       "  - name: main\n    image: evil:1\n    imagePullPolicy: Never\n    command: [sleep, '3600']\n",
                       "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("links")["status"].value("phase", "") == "Running"; }))
      << env_->podctl({"describe", "pod", "links"}).out;
  // The pod's files are where the image's links lead inside the container, and work.
  EXPECT_NE(exec("links", "cat /etc/hostname"), "");
  EXPECT_EQ(exec("links", "test -f /proc/self/status && echo proc"), "proc\n");
  EXPECT_TRUE(victim.intact()) << victim.damage();
}

TEST_F(PodAttack, DeviceNodesAContainerMakesCannotBeOpened) {
  env_->apply(pod_yaml("dev", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n",
                       "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("dev")["status"].value("phase", "") == "Running"; }));
  // CAP_MKNOD is in the default set, as with containerd: making a node works, opening it must not.
  std::string out =
      exec("dev",
           "mknod /tmp/kmsg c 1 11 && echo made; dd if=/tmp/kmsg of=/dev/null bs=1 count=0 && echo OPENED-kmsg;"
           "mknod /tmp/loop0 b 7 0; dd if=/tmp/loop0 of=/dev/null bs=1 count=0 && echo OPENED-loop;"
           "mknod /tmp/mem c 1 1; dd if=/tmp/mem of=/dev/null bs=1 count=0 && echo OPENED-mem;"
           "echo x > /dev/null && echo null-ok; head -c1 /dev/urandom >/dev/null && echo urandom-ok");
  EXPECT_NE(out.find("made"), std::string::npos) << out;
  EXPECT_EQ(out.find("OPENED"), std::string::npos) << out;
  EXPECT_NE(out.find("Operation not permitted"), std::string::npos) << out;
  EXPECT_NE(out.find("null-ok"), std::string::npos) << out;
  EXPECT_NE(out.find("urandom-ok"), std::string::npos) << out;
  // Control: a privileged container may open the same node (the rule really is what decides).
  env_->apply(pod_yaml("priv",
                       "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                       "    securityContext: {privileged: true}\n",
                       "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("priv")["status"].value("phase", "") == "Running"; }));
  std::string priv =
      exec("priv", "mknod /tmp/kmsg c 1 11; dd if=/tmp/kmsg of=/dev/null bs=1 count=0 && echo OPENED-kmsg");
  EXPECT_NE(priv.find("OPENED-kmsg"), std::string::npos) << priv;
}

TEST_F(PodAttack, ExecCannotBeHijackedThroughProcExe) {
  // The attacker is root with CAP_SYS_PTRACE, so that it may read /proc/PID/exe of a process that
  // joins its namespaces; it tries to write through that link to whatever binary it names.
  env_->apply(pod_yaml("hijack",
                       "  - name: main\n    image: busybox:1.35\n    command: [probe, exe-watch, '60']\n"
                       "    securityContext: {capabilities: {add: [SYS_PTRACE]}}\n",
                       "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("hijack")["status"].value("phase", "") == "Running"; }));
  bool seen = false;
  std::string logs;
  for (int i = 0; i < 300 && !seen; ++i) {
    env_->podctl({"exec", "hijack", "--", "true"});
    logs = env_->podctl({"logs", "hijack"}).out;
    seen = logs.find("podctl-enter") != std::string::npos;
  }
  ASSERT_TRUE(seen) << "control: the attacker never saw a joining process\n" << logs;
  std::istringstream lines(logs);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.size() > 2 && line.substr(line.size() - 2) == " 0") << "written through /proc/PID/exe: " << line;
    if (line.find("podctl") != std::string::npos) {
      EXPECT_NE(line.find("/memfd:podctl-enter"), std::string::npos) << "a host binary was visible: " << line;
    }
  }
}

// exec -t opens the container's /dev/pts/ptmx as root. A privileged container can put anything
// there: a FIFO (an open that would hang), a host-looking node. exec refuses what is not the pty
// multiplexer, at once, and leaves it alone.
TEST_F(PodAttack, ExecWithATerminalRefusesAFakePtyMultiplexer) {
  env_->apply(pod_yaml("pty", "  - name: main\n    image: busybox:1.35\n    command: [sleep, '3600']\n"
                              "    securityContext: {privileged: true}\n",
                       "  terminationGracePeriodSeconds: 0\n"));
  ASSERT_TRUE(env_->eventually([&] { return env_->pod("pty")["status"].value("phase", "") == "Running"; }));
  int rc = -1;
  exec("pty", "mount -t tmpfs fake /dev/pts && mkfifo /dev/pts/ptmx", &rc);
  ASSERT_EQ(rc, 0);
  RunResult fifo = run_program({"timeout", "10", PODCTL_BINARY, "--root", env_->root(), "exec", "-t", "pty", "--",
                                "true"});
  EXPECT_EQ(fifo.rc, 126) << fifo.err;
  EXPECT_NE(fifo.err.find("podctl exec: the container's /dev/pts/ptmx is not the pty multiplexer"), std::string::npos)
      << fifo.err;
  exec("pty", "rm /dev/pts/ptmx && mknod /dev/pts/ptmx c 1 3", &rc);  // /dev/null's numbers
  ASSERT_EQ(rc, 0);
  RunResult null_node = run_program({"timeout", "10", PODCTL_BINARY, "--root", env_->root(), "exec", "-t", "pty", "--",
                                     "true"});
  EXPECT_EQ(null_node.rc, 126) << null_node.err;
  EXPECT_NE(null_node.err.find("is not the pty multiplexer"), std::string::npos) << null_node.err;
  // Without -t nothing of the terminal is touched.
  EXPECT_EQ(env_->podctl({"exec", "pty", "--", "true"}).rc, 0);
}

}  // namespace
}  // namespace podctl::test
