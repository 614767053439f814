// podctl version, podctl system reset, and the internal `supervise` verb.
#include <unistd.h>

#include <iostream>

#include "base/files.h"
#include "netsetup/bridge.h"
#include "netsetup/nat_rules.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/pods/host_network.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/runtime/supervisor.h"

namespace podctl {

int cmd_version(const Invocation&) {
  std::cout << "podctl " << PODCTL_VERSION << "\n";
  return kExitOk;
}
void version_options(po::options_description&) {}

int cmd_supervise(const Invocation& inv) {
  if (inv.args.size() != 1) return report_error("supervise is internal: podctl apply starts it", kExitUsage);
  SupervisorOptions o;
  o.root.root = inv.global.root;
  o.ns = inv.global.ns;
  o.name = inv.args[0];
  o.report_fd = inv.get<int>("report-fd");
  auto backoff = plan::parse_backoff_policy(inv.get<std::string>("restart-backoff").c_str());
  if (!backoff) return report_error("bad --restart-backoff", kExitUsage);
  o.backoff = *backoff;
  o.pause_binary = pause_binary_path();
  o.log_limits.max_bytes = inv.get<int64_t>("log-max-size");
  o.log_limits.max_files = inv.get<int>("log-max-files");
  o.pids_limit = inv.get<int64_t>("pids-limit");
  return run_supervisor(o);
}
void supervise_options(po::options_description& d) {
  d.add_options()("report-fd", po::value<int>()->default_value(-1), "fd to report start-up on")
      ("restart-backoff", po::value<std::string>()->default_value("10s:300s"), "crash-loop backoff INITIAL:MAX")
      ("log-max-size", po::value<int64_t>()->default_value(10 * 1024 * 1024), "rotate a log file past this many bytes")
      ("log-max-files", po::value<int>()->default_value(5), "log files kept per container")
      ("pids-limit", po::value<int64_t>()->default_value(0), "processes per container; 0: no limit");
}

int cmd_system(const Invocation& inv) {
  if (inv.args.empty() || inv.args[0] != "reset") return report_error("usage: podctl system reset [--force]", kExitUsage);
  RootPaths root{inv.global.root};
  if (!is_directory(root.root)) {
    std::cout << "nothing to reset: " << root.root << " does not exist\n";
    return kExitOk;
  }
  if (!inv.vm["force"].as<bool>()) {
    std::cout << "This deletes every pod, image and setting under " << root.root
              << ", the root's bridge and its NAT rules. Continue? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") return kExitFailure;
  }
  auto locked = open_locked_context(inv, false);
  if (!locked) return report_error(locked.error().message);
  int rc = kExitOk;
  if (auto pods = list_pod_records(root, ""))
    for (const auto& p : *pods)
      if (auto st = delete_pod(locked->ctx, p, 0); !st) rc = report_error(st.error().message);
  if (auto pods = list_dir(root.pods_dir()))  // half-created pods without a record
    for (const auto& ns : *pods)
      if (auto names = list_dir(root.namespace_dir(ns)))
        for (const auto& n : *names) (void)cleanup_pod(locked->ctx, unrecorded_pod(root, ns, n));
  if (path_exists(root.config())) {
    if (auto st = release_host_network(locked->ctx); !st) rc = report_error(st.error().message);
    if (auto st = net::delete_bridge(locked->ctx.net.bridge); !st) rc = report_error(st.error().message);
  }
  if (auto st = remove_tree(root.root); !st) rc = report_error(st.error().message);
  if (rc == kExitOk)
    std::cout << "removed everything under " << root.root << ", bridge " << locked->ctx.net.bridge << " and nftables table "
              << net::nat_table_name(locked->ctx.net.bridge) << "\n";
  return rc;
}
void system_options(po::options_description& d) {
  d.add_options()("force", po::bool_switch()->default_value(false), "do not ask for confirmation");
}


}  // namespace podctl
