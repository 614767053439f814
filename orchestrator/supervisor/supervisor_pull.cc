// Images, as the kubelet gets them before a start: by imagePullPolicy (Always: every start;
// IfNotPresent: when the store lacks it; Never: never, ErrImageNeverPull). A pull is a
// `podctl image pull` child watched by pidfd, so the loop never waits on the network; its
// failure is ErrImagePull, then ImagePullBackOff with the crash-loop backoff's shape.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/supervisor/supervisor_impl.h"

namespace podctl::supervisor {
namespace {

// The last line the pull printed on stderr, without "error: ".
std::string pull_error(int memfd) {
  char buf[4096];
  ssize_t n = ::pread(memfd, buf, sizeof buf - 1, 0);
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto nl = text.rfind('\n');
  if (nl != std::string::npos) text = text.substr(nl + 1);
  if (text.rfind("error: ", 0) == 0) text = text.substr(7);
  return text.empty() ? "the pull failed" : text;
}

}  // namespace

// Whether the image is there for the container to start now; if not, a pull is under way or the
// container waits with the reason.
bool Supervisor::image_ready(Slot& s) {
  const manifest::Container& c = *s.spec;
  if (s.pull.valid()) return false;
  bool pulled_now = s.image_pulled_for_start;
  s.image_pulled_for_start = false;
  bool always = c.image_pull_policy == "Always";
  // A start, a restart above all, needs no store lookup for an image already known.
  if (auto known = images_.find(c.image); !always && known != images_.end() && !known->second.id.empty()) return true;
  if (!always || pulled_now) {
    if (auto found = ImageStore(opt_.root.images_dir()).find(c.image)) {
      images_[c.image] = *found;
      return true;
    }
    if (pulled_now) {
      on_pull_failed(s, "the pulled image is not in the store");
      return false;
    }
  }
  if (c.image_pull_policy == "Never") {
    hold_for_config(s, "ErrImageNeverPull", "Failed",
                    "Container image \"" + c.image + "\" is not present with pull policy of Never",
                    "Container image \"" + c.image + "\" is not present with pull policy of Never");
    return false;
  }
  start_pull(s);
  return false;
}

void Supervisor::start_pull(Slot& s) {
  const manifest::Container& c = *s.spec;
  s.pull_output.reset(::memfd_create("pull-output", MFD_CLOEXEC));
  std::string exe = opt_.podctl_binary;
  std::vector<std::string> args = {"podctl", "--root", opt_.root.root, "image", "pull", c.image};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ChildProcess child;
  auto pid = clone3_process({}, child);
  if (!pid) return on_pull_failed(s, pid.error().message);
  if (*pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(s.pull_output.get(), 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    cloexec_from_in_child(3);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  s.pull = std::move(child);
  s.pull_started = monotonic_ms();
  s.state = json{{"waiting", {{"reason", "ContainerCreating"}}}};
  events_.add("Normal", "Pulling", "Pulling image \"" + c.image + "\"", container_ref(s));
  watch(s.pull.pidfd(), tag(kPull, s.index));
}

void Supervisor::on_pull_exit(Slot& s) {
  siginfo_t info{};
  if (!s.pull.valid() || ::waitid(static_cast<idtype_t>(P_PIDFD), s.pull.pidfd(), &info, WEXITED | WNOHANG) != 0 ||
      info.si_pid == 0)
    return;
  unwatch(s.pull.pidfd());
  s.pull.release();
  if (terminating_) return;
  if (exit_status_of(info) != 0) return on_pull_failed(s, pull_error(s.pull_output.get()));
  double secs = static_cast<double>(monotonic_ms() - s.pull_started) / 1000;
  char took[32];
  std::snprintf(took, sizeof took, "%.3fs", secs);
  events_.add("Normal", "Pulled", "Successfully pulled image \"" + s.spec->image + "\" in " + took, container_ref(s));
  s.pull_failed = false;
  s.image_pulled_for_start = true;
  start_slot(s);
}

void Supervisor::on_pull_failed(Slot& s, const std::string& message) {
  spdlog::warn("pull of {} failed: {}", s.spec->image, message);
  s.pull_failed = true;
  hold_for_config(s, "ErrImagePull", "Failed", "Failed to pull image \"" + s.spec->image + "\": " + message, message);
}

}  // namespace podctl::supervisor
