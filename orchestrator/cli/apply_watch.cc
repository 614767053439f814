#include "orchestrator/cli/apply_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <set>

#include "base/files.h"
#include "base/unique_fd.h"

namespace podctl {
namespace {

constexpr int kQuietMs = 300;  // an edit is over when nothing changed for this long

struct Watched {
  UniqueFd inotify;
  std::map<int, std::string> dirs;                     // watch descriptor → directory
  std::map<std::string, std::set<std::string>> files;  // directory → the files of interest ("" = all)
};

// Directories are watched rather than files: editors often write a new file and rename it over
// the old one, which a watch on the file itself would not follow.
Result<Watched> watch_paths(const std::vector<std::string>& paths) {
  Watched w;
  w.inotify.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!w.inotify) return fail(sys_error("inotify_init1"));
  for (const auto& p : paths) {
    if (p == "-") return fail(make_error("--watch needs files or directories, not stdin"));
    bool dir = is_directory(p);
    std::string d = dir ? p : (p.find('/') == std::string::npos ? "." : p.substr(0, p.rfind('/')));
    std::string name = dir ? "" : p.substr(p.rfind('/') + 1);
    if (!w.files.count(d)) {
      int wd = ::inotify_add_watch(w.inotify.get(), d.c_str(),
                                   IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE);
      if (wd < 0) return fail(sys_error("watch " + d));
      w.dirs[wd] = d;
    }
    w.files[d].insert(name);
  }
  return w;
}

bool is_manifest(const std::string& name) {
  auto ends = [&](const std::string& s) { return name.size() > s.size() && name.substr(name.size() - s.size()) == s; };
  return ends(".yaml") || ends(".yml") || ends(".json");
}

// Reads what is queued; returns the changed files that matter.
std::set<std::string> drain(const Watched& w) {
  std::set<std::string> changed;
  alignas(inotify_event) char buf[8192];
  for (;;) {
    ssize_t n = ::read(w.inotify.get(), buf, sizeof buf);
    if (n <= 0) return changed;
    for (char* p = buf; p < buf + n;) {
      auto* e = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + e->len;
      if (!e->len || !w.dirs.count(e->wd)) continue;
      const std::string& dir = w.dirs.at(e->wd);
      std::string name = e->name;
      const auto& wanted = w.files.at(dir);
      if (wanted.count(name) || (wanted.count("") && is_manifest(name))) changed.insert(dir + "/" + name);
    }
  }
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

}  // namespace

int watch_and_apply(const Invocation& inv, const std::function<int()>& apply_once) {
  auto watched = watch_paths(inv.get<std::vector<std::string>>("filename"));
  if (!watched) return report_error(watched.error().message, kExitUsage);
  apply_once();
  std::cout << "watching for changes (Ctrl-C to stop)" << std::endl;
  for (;;) {
    wait_readable(watched->inotify.get(), -1);
    std::set<std::string> changed = drain(*watched);
    while (wait_readable(watched->inotify.get(), kQuietMs)) {
      auto more = drain(*watched);
      changed.insert(more.begin(), more.end());
    }
    if (changed.empty()) continue;
    for (const auto& f : changed) std::cout << "changed: " << f << "\n";
    apply_once();
    std::cout << std::flush;
  }
}

}  // namespace podctl
