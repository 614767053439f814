#include "tests/support/podctl_env.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace podctl::test {

bool root_required() {
  const char* v = std::getenv("PODCTL_REQUIRE_ROOT");
  return v && std::string(v) == "1";
}

RunResult run_program(const std::vector<std::string>& argv, const std::string& input) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  RunResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

RunResult sh(const std::string& command) { return run_program({"/bin/sh", "-c", command}); }

namespace {

uint32_t hash_name(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::string test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : "podctl";
}

std::string busybox_rootfs() {
  static std::string dir = [] {
    std::string d = "/tmp/podctl-test-busybox-" + std::to_string(::getpid());
    RunResult r = run_program({std::string(PODCTL_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh", d});
    if (r.rc != 0) ADD_FAILURE() << "make-busybox-rootfs.sh failed: " << r.err;
    sh("cp " + std::string(PODCTL_PROBE) + " " + d + "/bin/probe");
    std::atexit([] { sh("rm -rf /tmp/podctl-test-busybox-" + std::to_string(::getpid())); });
    return d;
  }();
  return dir;
}

}  // namespace

PodctlEnv::PodctlEnv() {
  // The tests pass every setting explicitly; a developer's own PODCTL_* must not leak into them.
  for (const char* var : {"PODCTL_ROOT", "PODCTL_BRIDGE", "PODCTL_SUBNET", "PODCTL_NAMESPACE", "PODCTL_OUTBOUND",
                          "PODCTL_RESTART_BACKOFF", "PODCTL_PIDS_LIMIT", "PODCTL_SECCOMP_DEFAULT", "PODCTL_SERVICE_CIDR",
                          "PODCTL_INSECURE_REGISTRIES", "PODCTL_CERTS_DIR"})
    ::unsetenv(var);
  uint32_t h = hash_name(test_name()) ^ static_cast<uint32_t>(::getpid() * 2654435761u);
  id_ = h;
  char root[] = "/tmp/podctl-test-XXXXXX";
  root_ = ::mkdtemp(root);
  char bridge[16];
  std::snprintf(bridge, sizeof bridge, "ptb%08x", h);
  bridge_ = bridge;
  // 10.160.0.0 – 10.223.255.0: /24s away from the defaults of podctl, docker, podman, k3s, CRI-O.
  subnet_ = "10." + std::to_string(160 + (h >> 8) % 64) + "." + std::to_string(h % 256) + ".0/24";
  // 10.224.0.0 – 10.255.255.0 for Services: a cluster IP of one test never lands in another's table.
  service_subnet_ = "10." + std::to_string(224 + (h >> 8) % 32) + "." + std::to_string(h % 256) + ".0/24";
}

PodctlEnv::~PodctlEnv() {
  RunResult r = podctl({"system", "reset", "--force"});
  if (r.rc != 0) ADD_FAILURE() << "system reset failed: " << r.err;
  sh("ip link del " + bridge_ + " 2>/dev/null; rm -rf " + root_);
}

RunResult PodctlEnv::podctl(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv = {PODCTL_BINARY, "--root",   root_,   "--bridge",       bridge_,
                                   "--subnet",    subnet_,    "--service-cidr", service_subnet_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input);
}

RunResult PodctlEnv::apply(const std::string& manifest) const {
  RunResult r = podctl({"apply", "-f", "-"}, manifest);
  // Shown for every failed apply, so that a test asserting only the code still says why in CI.
  if (r.rc != 0) std::cerr << "podctl apply exited " << r.rc << ": " << r.err;
  return r;
}

nlohmann::json PodctlEnv::pod(const std::string& name) const {
  RunResult r = podctl({"get", "pod", name, "-o", "json"});
  if (r.rc != 0) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, false);
}

nlohmann::json PodctlEnv::inspect(const std::string& name) const {
  RunResult r = podctl({"inspect", name});
  if (r.rc != 0) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, false);
}

bool PodctlEnv::eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

void PodctlEnv::import_busybox(const std::string& ref) const {
  RunResult r = podctl({"image", "import", ref, busybox_rootfs()});
  ASSERT_EQ(r.rc, 0) << r.err;
}

bool process_gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

std::string pod_yaml(const std::string& name, const std::string& containers, const std::string& extra_spec) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n" + extra_spec + "  containers:\n" +
         containers;
}

HostSnapshot HostSnapshot::take(const std::string& bridge) {
  HostSnapshot s;
  RunResult veths = sh("ip -o link show master " + bridge + " 2>/dev/null | wc -l");
  s.veths = std::atoi(veths.out.c_str());
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) s.mounts += line.find("podctl") != std::string::npos;
  return s;
}

}  // namespace podctl::test
