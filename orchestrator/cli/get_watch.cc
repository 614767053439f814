#include "orchestrator/cli/get_watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>

#include <map>

#include "base/files.h"
#include "base/unique_fd.h"
#include "orchestrator/cli/cli_support.h"

namespace podctl {
namespace {

// A supervisor that dies writes nothing: a listing a second after the last one catches it.
constexpr int kQuietRescanMs = 1000;

// The directories whose entries change when an object does: ROOT/pods/NS/NAME (status.json),
// ROOT/KIND/NS (one file per object), ROOT/controllers/KIND/NS/NAME (a workload's status), and
// the directories above them (new namespaces, new objects). Watching one twice is harmless.
void watch_tree(int in, const std::string& dir, int depth) {
  if (::inotify_add_watch(in, dir.c_str(), IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE) < 0)
    return;  // not there (yet): its parent's IN_CREATE brings the next listing
  if (depth == 0) return;
  auto entries = list_dir(dir);
  if (!entries) return;
  for (const auto& e : *entries)
    if (is_directory(dir + "/" + e)) watch_tree(in, dir + "/" + e, depth - 1);
}

void watch_root(int in, const RootPaths& root) {
  watch_tree(in, root.root, 0);
  watch_tree(in, root.pods_dir(), 2);
  watch_tree(in, root.root + "/controllers", 3);
  for (const char* kind : {"configmaps", "secrets", "services", "deployments", "replicasets", "statefulsets", "jobs",
                           "persistentvolumeclaims", "namespaces"})
    watch_tree(in, root.root + "/" + kind, 1);
}

void drain(int fd) {
  char buf[8192];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace

int watch_store(const RootPaths& root, const ListObjects& list, const ObjectChanged& changed,
                std::vector<WatchedObject> seen) {
  std::map<std::string, nlohmann::json> last;
  for (auto& o : seen) last[o.key] = std::move(o.object);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop, nullptr);
  UniqueFd signals(::signalfd(-1, &stop, SFD_CLOEXEC));
  UniqueFd in(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!signals || !in) return report_error(sys_error("watch the store").message);
  for (;;) {
    // Watches first, then the listing: a change made in between is seen by both.
    watch_root(in.get(), root);
    auto now = list();
    if (!now) return report_error(now.error().message);
    std::map<std::string, nlohmann::json> current;
    for (auto& o : *now) {
      auto before = last.find(o.key);
      if (before == last.end() || before->second != o.object) changed(o, false);
      current[o.key] = std::move(o.object);
    }
    for (const auto& [key, object] : last)
      if (!current.count(key)) changed({key, object}, true);
    last = std::move(current);
    pollfd fds[2] = {{signals.get(), POLLIN, 0}, {in.get(), POLLIN, 0}};
    int n;
    while ((n = ::poll(fds, 2, kQuietRescanMs)) < 0 && errno == EINTR) {
    }
    if (n > 0 && fds[0].revents) return kExitOk;
    drain(in.get());
  }
}

}  // namespace podctl
