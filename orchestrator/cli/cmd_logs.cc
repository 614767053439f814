// podctl logs NAME [-c C | --all-containers] [-f] [--previous] [--tail N] [--since D] [--timestamps]
// [--prefix]: reads the CRI log files the supervisor writes (one per restart); -f follows across
// restarts (inotify) until the pod ends.
// podctl logs -l SELECTOR | NAME NAME… | (nothing) [-f]: the logs of many pods (the matching ones,
// the named ones, or the whole namespace), every container of each, lines merged in time order
// behind compose-style `pod/container | ` prefixes; -f goes on with pods that appear, and a pod that
// goes away does not end it.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "base/files.h"
#include "manifests/label_selector.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/log_follower.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/output/pod_printer.h"

namespace podctl {
namespace {

using nlohmann::json;

bool pod_finished(const RootPaths& root, const std::string& ns, const std::string& name) {
  auto r = read_pod_record(root, ns, name);
  if (!r || !r->supervisor_alive) return true;
  std::string phase = pod_object(*r)["status"].value("phase", "");
  return phase == "Succeeded" || phase == "Failed";
}

// kubectl's order: init containers, then the app containers.
std::vector<std::string> all_containers(const PodRecord& r) {
  std::vector<std::string> out;
  for (const auto& c : r.spec["spec"].value("initContainers", json::array())) out.push_back(c["name"]);
  for (const auto& c : r.spec["spec"].value("containers", json::array())) out.push_back(c["name"]);
  return out;
}

LogOptions base_options(const Invocation& inv, std::time_t since) {
  LogOptions o;
  o.timestamps = inv.vm["timestamps"].as<bool>();
  o.since = since;
  return o;
}

// The last `tail` lines of the follower's newest run (or the one before, for --previous), tagged.
Status read_backlog(Follower& f, bool previous, int64_t tail, size_t stream, std::vector<TaggedLine>& backlog) {
  std::vector<int> runs = f.runs();
  if (previous) {
    if (runs.size() < 2) return fail(make_error("previous terminated container not found"));
    runs.pop_back();
  }
  if (runs.empty()) return {};  // nothing yet: follow picks up the first run
  auto lines = f.read_run(runs.back());
  size_t first = tail >= 0 && lines.size() > static_cast<size_t>(tail) ? lines.size() - static_cast<size_t>(tail) : 0;
  for (size_t i = first; i < lines.size(); ++i) backlog.emplace_back(std::move(lines[i]), stream);
  return {};
}

// The pods `logs` is about in many-pod mode, by name, by selector, or all of the namespace.
struct PodSet {
  std::vector<std::string> names;                // given: only these
  std::optional<manifest::LabelSelector> labels;  // -l
  std::vector<PodRecord> current(const RootPaths& root, const std::string& ns) const {
    std::vector<PodRecord> out;
    auto records = list_pod_records(root, ns);
    if (!records) return out;
    for (auto& r : *records) {
      if (!names.empty() && std::find(names.begin(), names.end(), r.name) == names.end()) continue;
      if (labels && !manifest::selector_matches(*labels, r.spec["metadata"].value("labels", std::map<std::string, std::string>{})))
        continue;
      out.push_back(std::move(r));
    }
    return out;
  }
};

int logs_of_many(const Invocation& inv, const PodSet& set, std::time_t since) {
  RootPaths root{inv.global.root};
  const std::string& ns = inv.global.ns;
  const bool follow = inv.vm["follow"].as<bool>(), previous = inv.vm["previous"].as<bool>();
  const int64_t tail = inv.get<int64_t>("tail");
  std::vector<Follower> followers;
  std::vector<LogOptions> streams;
  std::map<std::string, std::string> followed;  // "pod/container" → the pod's uid, to see a pod replaced
  std::vector<TaggedLine> lines;
  int inotify = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  // New pods and containers (all of them at the start) get a follower; their lines so far are read.
  auto take_new = [&](bool at_start) {
    for (const auto& r : set.current(root, ns))
      for (const auto& c : all_containers(r)) {
        std::string key = r.name + "/" + c;
        if (followed.count(key) && followed[key] == r.uid) continue;
        followed[key] = r.uid;
        Follower f;
        f.dir = r.paths.log_dir(c);
        f.options = base_options(inv, since);
        f.options.prefix = coloured(key + " | ", followers.size());
        (void)read_backlog(f, previous, at_start ? tail : -1, followers.size(), lines);
        (void)make_dirs(f.dir);  // for the watch; a pod that never wrote has nothing to follow
        ::inotify_add_watch(inotify, f.dir.c_str(), IN_MODIFY | IN_CREATE);
        streams.push_back(f.options);
        followers.push_back(std::move(f));
      }
  };
  take_new(true);
  if (followers.empty() && !follow) {
    close_fd(inotify);
    std::cerr << "No resources found in " << ns << " namespace.\n";
    return kExitOk;
  }
  emit_in_time_order(lines, streams);
  if (!follow || previous) {
    close_fd(inotify);
    return kExitOk;
  }
  // Named pods: until every one has ended. A selector or the namespace: until interrupted.
  auto last_scan = std::chrono::steady_clock::now();
  for (;;) {
    pollfd p{inotify, POLLIN, 0};
    int n = ::poll(&p, 1, 1000);
    char buf[4096];
    while (n > 0 && ::read(inotify, buf, sizeof buf) > 0) {
    }
    lines.clear();
    if (std::chrono::steady_clock::now() - last_scan >= std::chrono::seconds(1)) {
      take_new(false);
      last_scan = std::chrono::steady_clock::now();
    }
    for (size_t i = 0; i < followers.size(); ++i) followers[i].pump(lines, i);
    emit_in_time_order(lines, streams);
    if (!set.names.empty() && n == 0 &&
        std::all_of(set.names.begin(), set.names.end(), [&](const std::string& name) { return pod_finished(root, ns, name); }))
      break;
  }
  close_fd(inotify);
  return kExitOk;
}

// `logs A B`: B is A's container when A has one of that name (kubectl's form), else a second pod.
bool names_several_pods(const Invocation& inv) {
  if (inv.args.size() < 2 || inv.has("container")) return false;
  auto first = pod_name_arg(inv.args[0]);
  if (!first || !is_store_name(*first)) return false;  // the one-pod path reports what is wrong
  auto r = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, *first);
  if (!r) return false;
  auto containers = all_containers(*r);
  return std::find(containers.begin(), containers.end(), inv.args[1]) == containers.end();
}

int logs_of_one(const Invocation& inv, std::time_t since) {
  auto pod_name = pod_of(inv, inv.args[0]);
  if (!pod_name) return report_error(pod_name.error().message, kExitUsage);
  std::string name = *pod_name;
  if (int bad = refuse_invalid_names("pod", {name})) return bad;
  if (inv.has("container"))
    if (int bad = refuse_invalid_names("container", {inv.get<std::string>("container")})) return bad;
  RootPaths root{inv.global.root};
  auto r = read_pod_record(root, inv.global.ns, name);
  if (!r) return report_error("pods \"" + name + "\" not found");
  const std::vector<std::string> names = container_names(*r);
  std::vector<std::string> containers;
  if (inv.vm["all-containers"].as<bool>()) {
    containers = all_containers(*r);
  } else if (inv.has("container")) {
    containers = {inv.get<std::string>("container")};
  } else if (inv.args.size() > 1) {
    containers = {inv.args[1]};
  } else {
    containers = {*pick_container(*r, "")};  // with no name asked for, always a container
  }
  // Only the pod's own container names go on to become log paths.
  for (const auto& c : containers)
    if (std::find(names.begin(), names.end(), c) == names.end())
      return report_error("container " + c + " is not valid for pod " + name);
  bool previous = inv.vm["previous"].as<bool>(), follow = inv.vm["follow"].as<bool>();
  int64_t tail = inv.get<int64_t>("tail");
  bool prefix = inv.vm["prefix"].as<bool>() || containers.size() > 1;
  std::vector<Follower> followers;
  std::vector<LogOptions> streams;
  // What is there already, of every container, in the order it was written (CRI timestamps).
  std::vector<TaggedLine> backlog;
  for (const auto& c : containers) {
    Follower f;
    f.dir = r->paths.log_dir(c);
    f.options = base_options(inv, since);
    if (prefix) f.options.prefix = coloured("[pod/" + name + "/" + c + "] ", followers.size());
    if (auto st = read_backlog(f, previous, tail, followers.size(), backlog); !st)
      return report_error("previous terminated container \"" + c + "\" in pod \"" + name + "\" not found");
    streams.push_back(f.options);
    followers.push_back(std::move(f));
  }
  emit_in_time_order(backlog, streams);
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
    std::vector<TaggedLine> lines;
    for (size_t i = 0; i < followers.size(); ++i) followers[i].pump(lines, i);
    bool ended = n == 0 && pod_finished(root, inv.global.ns, name);
    if (ended)
      for (size_t i = 0; i < followers.size(); ++i) followers[i].pump(lines, i);
    emit_in_time_order(lines, streams);
    if (ended) break;
  }
  close_fd(in);
  return kExitOk;
}

}  // namespace

int cmd_logs(const Invocation& inv) {
  std::time_t since = 0;
  if (inv.has("since")) {
    auto since_ms = duration_flag_ms(inv, "since");
    if (!since_ms) return report_error(since_ms.error().message, kExitUsage);
    since = std::time(nullptr) - *since_ms / 1000;
  }
  PodSet set;
  if (inv.has("selector")) {
    if (!inv.args.empty()) return report_error("a pod name cannot be given with a selector (-l)", kExitUsage);
    std::string why;
    set.labels = manifest::parse_selector(inv.get<std::string>("selector"), &why);
    if (!set.labels) return report_error("-l: " + why, kExitUsage);
    return logs_of_many(inv, set, since);
  }
  if (inv.args.empty()) {
    if (!inv.vm["follow"].as<bool>())
      return report_error("usage: podctl logs NAME [-c CONTAINER] [-f] (or -l SELECTOR, or -f for the namespace)",
                          kExitUsage);
    return logs_of_many(inv, set, since);  // the whole namespace, as `docker compose logs -f`
  }
  if (!names_several_pods(inv)) return logs_of_one(inv, since);
  for (const auto& a : inv.args) {
    auto name = pod_name_arg(a);
    if (!name) return report_error(name.error().message, kExitUsage);
    set.names.push_back(*name);
  }
  if (int bad = refuse_invalid_names("pod", set.names)) return bad;
  RootPaths root{inv.global.root};
  for (const auto& n : set.names)
    if (!read_pod_record(root, inv.global.ns, n)) return report_error("pods \"" + n + "\" not found");
  return logs_of_many(inv, set, since);
}

void logs_options(po::options_description& d) {
  d.add_options()("container,c", po::value<std::string>(), "container name")(
      "all-containers", po::bool_switch()->default_value(false), "logs of every container, prefixed")(
      "follow,f", po::bool_switch()->default_value(false),
      "keep printing new lines, across restarts, until the pod ends (with -l or no name: until interrupted)")(
      "previous,p", po::bool_switch()->default_value(false), "the previous run of the container")(
      "tail", po::value<int64_t>()->default_value(-1), "only the last N lines")(
      "since", po::value<std::string>(), "only lines newer than a duration such as 30s, 5m, 2h")(
      "timestamps", po::bool_switch()->default_value(false), "prefix each line with its RFC 3339 time")(
      "prefix", po::bool_switch()->default_value(false), "prefix each line with [pod/NAME/CONTAINER]")(
      "selector,l", po::value<std::string>(), "the logs of every pod whose labels match, merged (as get -l)");
}

}  // namespace podctl
