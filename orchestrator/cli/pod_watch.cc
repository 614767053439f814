#include "orchestrator/cli/pod_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/files.h"
#include "base/unique_fd.h"

namespace podctl {

std::pair<std::string, WatchResult> watch_pods(const RootPaths& root, const std::string& ns,
                                               const std::vector<std::string>& names,
                                               const std::function<WatchResult(const std::string&)>& check,
                                               std::chrono::steady_clock::time_point deadline) {
  UniqueFd in(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  (void)make_dirs(root.namespace_dir(ns));  // to watch it; a failure shows as a watch that finds nothing
  WatchResult last{WatchVerdict::kMet, ""};
  for (const auto& name : names) {
    for (;;) {
      // Watch before checking, so that a change between the check and the wait is not missed.
      // Adding the same path again only returns the same watch; watches are never removed here,
      // since removing one queues an IN_IGNORED event that would wake the loop at once.
      ::inotify_add_watch(in.get(), root.namespace_dir(ns).c_str(), IN_CREATE | IN_DELETE | IN_MOVED_TO);
      ::inotify_add_watch(in.get(), root.pod_dir(ns, name).c_str(), IN_MOVED_TO | IN_DELETE_SELF);
      WatchResult r = check(name);
      if (r.verdict == WatchVerdict::kFailed) return {name, r};
      if (r.verdict == WatchVerdict::kMet) {
        last = r;
        break;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {name, r};
      pollfd p{in.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
      char buf[4096];
      while (::read(in.get(), buf, sizeof buf) > 0) {
      }
    }
  }
  return {names.empty() ? "" : names.back(), last};
}

WatchResult watch_directory(const std::string& dir, const std::function<WatchResult()>& check,
                            std::chrono::steady_clock::time_point deadline) {
  UniqueFd in(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  (void)make_dirs(dir, 0700);  // to watch it; a failure shows as a watch that finds nothing
  for (;;) {
    // Watch before checking, so that a change between the check and the wait is not missed; a
    // second poll bound covers the object itself changing outside the directory.
    ::inotify_add_watch(in.get(), dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
    WatchResult r = check();
    if (r.verdict != WatchVerdict::kNotYet) return r;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return r;
    pollfd p{in.get(), POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    char buf[4096];
    while (::read(in.get(), buf, sizeof buf) > 0) {
    }
  }
}

}  // namespace podctl
