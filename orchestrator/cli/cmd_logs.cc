// podctl logs NAME [-c C | --all-containers] [-f] [--previous] [--tail N] [--since D] [--timestamps]
// [--prefix]: reads the CRI log files the supervisor writes (one per restart); -f follows across
// restarts (inotify) until the pod ends.
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <iostream>

#include "base/files.h"
#include "base/unique_fd.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/logs/cri_parser.h"
#include "orchestrator/logs/log_files.h"
#include "orchestrator/output/pod_printer.h"

namespace podctl {
namespace {

struct Options {
  bool timestamps = false;
  std::string prefix;     // "[pod/name/container] " or ""
  std::time_t since = 0;  // 0: all
};

void emit(const LogLine& l, const Options& o) {
  if (o.since && parse_rfc3339(l.time) < o.since) return;
  std::string out = o.prefix;
  if (o.timestamps) out += l.time + " ";
  out += l.text + "\n";
  std::cout << out;
}

// Reads one container's logs: the files of one run (rotated parts, then the live file), and with
// follow, new lines as they come, across rotations and restarts. The live file is read through an
// open fd, so that a rotation (a rename) never loses the lines written just before it.
struct Follower {
  std::string dir;
  Options options;
  int run = -1;
  CriParser parser;
  UniqueFd fd;
  ino_t inode = 0;

  std::string live_path() const { return dir + "/" + std::to_string(run) + ".log"; }

  void open_live() {
    fd.reset(::open(live_path().c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    inode = fd && ::fstat(fd.get(), &st) == 0 ? st.st_ino : 0;
  }

  void drain(std::vector<LogLine>& out) {
    if (!fd) return;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) parser.feed(std::string(buf, static_cast<size_t>(n)), out);
  }

  // Everything of `run` so far, oldest first.
  std::vector<LogLine> read_run(int which) {
    run = which;
    std::vector<LogLine> lines;
    for (const auto& f : run_logs(dir, run))
      if (f.part != INT_MAX)
        if (auto text = read_file(f.path)) parser.feed(*text, lines);
    open_live();
    drain(lines);
    return lines;
  }

  void pump() {
    for (;;) {
      std::vector<LogLine> lines;
      drain(lines);
      for (const auto& l : lines) emit(l, options);
      struct stat st {};
      if (::stat(live_path().c_str(), &st) == 0 && st.st_ino != inode) {  // rotated: go on in the new file
        open_live();
        continue;
      }
      auto files = list_logs(dir);
      if (files.empty() || files.back().run <= run) break;
      for (const auto& f : files)  // the container restarted: go on with its next run
        if (f.run > run) {
          run = f.run;
          parser = CriParser();
          open_live();
          break;
        }
    }
    std::cout.flush();
  }
};

bool pod_finished(const RootPaths& root, const std::string& ns, const std::string& name) {
  auto r = read_pod_record(root, ns, name);
  if (!r || !r->supervisor_alive) return true;
  std::string phase = pod_object(*r)["status"].value("phase", "");
  return phase == "Succeeded" || phase == "Failed";
}

}  // namespace

int cmd_logs(const Invocation& inv) {
  if (inv.args.empty()) return report_error("usage: podctl logs NAME [-c CONTAINER] [-f]", kExitUsage);
  auto pod_name = pod_of(inv, inv.args[0]);
  if (!pod_name) return report_error(pod_name.error().message, kExitUsage);
  std::string name = *pod_name;
  if (int bad = refuse_invalid_names("pod", {name})) return bad;
  if (inv.has("container"))
    if (int bad = refuse_invalid_names("container", {inv.get<std::string>("container")})) return bad;
  RootPaths root{inv.global.root};
  auto r = read_pod_record(root, inv.global.ns, name);
  if (!r) return report_error("pods \"" + name + "\" not found");
  std::vector<std::string> names;  // app containers first: the default is the first of them
  for (const auto& c : r->spec["spec"]["containers"]) names.push_back(c["name"]);
  for (const auto& c : r->spec["spec"].value("initContainers", nlohmann::json::array())) names.push_back(c["name"]);
  std::vector<std::string> containers;
  if (inv.vm["all-containers"].as<bool>()) {
    // kubectl's order: init containers, then the app containers.
    for (const auto& c : r->spec["spec"].value("initContainers", nlohmann::json::array()))
      containers.push_back(c["name"]);
    for (const auto& c : r->spec["spec"]["containers"]) containers.push_back(c["name"]);
  } else if (inv.has("container"))
    containers = {inv.get<std::string>("container")};
  else if (inv.args.size() > 1)
    containers = {inv.args[1]};
  else {
    containers = {names.at(0)};
    if (names.size() > 1) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      std::cerr << "Defaulted container \"" << names[0] << "\" out of: " << list << "\n";
    }
  }
  // Only the pod's own container names go on to become log paths.
  for (const auto& c : containers)
    if (std::find(names.begin(), names.end(), c) == names.end())
      return report_error("container " + c + " is not valid for pod " + name);
  bool previous = inv.vm["previous"].as<bool>(), follow = inv.vm["follow"].as<bool>();
  int64_t tail = inv.get<int64_t>("tail");
  Options base;
  base.timestamps = inv.vm["timestamps"].as<bool>();
  if (inv.has("since")) {
    auto since = duration_flag_ms(inv, "since");
    if (!since) return report_error(since.error().message, kExitUsage);
    base.since = std::time(nullptr) - *since / 1000;
  }
  bool prefix = inv.vm["prefix"].as<bool>() || containers.size() > 1;
  // On a terminal each container's prefix gets its own colour, as docker compose does.
  static const char* const kColours[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m", "\033[31m"};
  bool colour = ::isatty(1) && !std::getenv("NO_COLOR");
  std::vector<Follower> followers;
  // What is there already, of every container, in the order it was written (CRI timestamps).
  std::vector<std::pair<LogLine, size_t>> backlog;
  for (const auto& c : containers) {
    Follower f;
    f.dir = r->paths.log_dir(c);
    if (prefix) {
      f.options.prefix = "[pod/" + name + "/" + c + "] ";
      if (colour)
        f.options.prefix =
            kColours[followers.size() % 6] + f.options.prefix.substr(0, f.options.prefix.size() - 1) + "\033[0m ";
    }
    f.options.timestamps = base.timestamps;
    f.options.since = base.since;
    std::vector<int> runs;
    for (const auto& file : list_logs(f.dir))
      if (runs.empty() || runs.back() != file.run) runs.push_back(file.run);
    if (previous) {
      if (runs.size() < 2)
        return report_error("previous terminated container \"" + c + "\" in pod \"" + name + "\" not found");
      runs.pop_back();
    }
    if (runs.empty()) {
      followers.push_back(std::move(f));  // nothing yet: follow picks up the first run
      continue;
    }
    auto lines = f.read_run(runs.back());
    size_t first = tail >= 0 && lines.size() > static_cast<size_t>(tail) ? lines.size() - tail : 0;
    for (size_t i = first; i < lines.size(); ++i) backlog.emplace_back(std::move(lines[i]), followers.size());
    followers.push_back(std::move(f));
  }
  // RFC 3339 with nanoseconds, all in UTC and of one length: text order is time order.
  std::stable_sort(backlog.begin(), backlog.end(),
                   [](const auto& a, const auto& b) { return a.first.time < b.first.time; });
  for (const auto& [line, index] : backlog) emit(line, followers[index].options);
  std::cout.flush();
  if (!follow || previous) return kExitOk;
  int in = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  for (const auto& c : containers) {
    std::string dir = r->paths.log_dir(c);
    (void)make_dirs(dir);  // for the watch below; if it cannot be made, there is no log to follow either
    ::inotify_add_watch(in, dir.c_str(), IN_MODIFY | IN_CREATE);
  }
  for (;;) {
    pollfd p{in, POLLIN, 0};
    // Wake at least once a second to notice that the pod has ended.
    int n = ::poll(&p, 1, 1000);
    char buf[4096];
    while (n > 0 && ::read(in, buf, sizeof buf) > 0) {
    }
    for (auto& f : followers) f.pump();
    if (n == 0 && pod_finished(root, inv.global.ns, name)) {
      for (auto& f : followers) f.pump();
      break;
    }
  }
  close_fd(in);
  return kExitOk;
}

void logs_options(po::options_description& d) {
  d.add_options()("container,c", po::value<std::string>(), "container name")(
      "all-containers", po::bool_switch()->default_value(false), "logs of every container, prefixed")(
      "follow,f", po::bool_switch()->default_value(false),
      "keep printing new lines, across restarts, until the pod ends")(
      "previous,p", po::bool_switch()->default_value(false), "the previous run of the container")(
      "tail", po::value<int64_t>()->default_value(-1), "only the last N lines")(
      "since", po::value<std::string>(), "only lines newer than a duration such as 30s, 5m, 2h")(
      "timestamps", po::bool_switch()->default_value(false), "prefix each line with its RFC 3339 time")(
      "prefix", po::bool_switch()->default_value(false), "prefix each line with [pod/NAME/CONTAINER]");
}

}  // namespace podctl
