// podctl version and podctl system reset.
#include <unistd.h>

#include <iostream>

#include "base/files.h"
#include "netsetup/bridge.h"
#include "netsetup/nat_rules.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/controllers/controller_process.h"
#include "orchestrator/pods/host_network.h"
#include "orchestrator/pods/pod_ops.h"

namespace podctl {

int cmd_version(const Invocation&) {
  std::cout << "podctl " << PODCTL_VERSION << "\n";
  return kExitOk;
}
void version_options(po::options_description&) {}

int cmd_system(const Invocation& inv) {
  if (inv.args.empty() || inv.args[0] != "reset")
    return report_error("usage: podctl system reset [--force]", kExitUsage);
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
  int rc = kExitOk;
  // Controllers first, and without the root's lock (they take it to make pods): none may re-create
  // what is removed next.
  if (auto st = stop_all_controllers(root); !st) rc = report_error(st.error().message);
  // Every pod stops at once, and without the lock: nothing waits behind the supervisors' ends.
  if (auto pods = list_pod_records(root, ""))
    if (auto st = stop_pods(*pods, 0); !st) rc = report_error(st.error().message);
  auto locked = open_locked_context(inv, false);
  if (!locked) return report_error(locked.error().message);
  if (auto pods = list_pod_records(root, ""))
    for (const auto& p : *pods)
      if (auto st = delete_pod(locked->ctx, p, 0); !st) rc = report_error(st.error().message);
  if (auto pods = list_dir(root.pods_dir()))  // half-created pods without a record
    for (const auto& ns : *pods)
      if (auto names = is_store_label(ns) ? list_dir(root.namespace_dir(ns)) : std::vector<std::string>{})
        for (const auto& n : *names)
          if (is_store_name(n))
            if (auto st = cleanup_pod(locked->ctx, unrecorded_pod(root, ns, n)); !st)
              rc = report_error(st.error().message);
  // The bridge and its NAT table go only when this root made them (the bridge's alias says so).
  bool ours = true;
  if (path_exists(root.config())) {
    auto deleted = net::delete_owned_bridge(locked->ctx.net.bridge, bridge_owner(root));
    if (!deleted) rc = report_error(deleted.error().message);
    ours = deleted && *deleted;
    if (ours) {
      if (auto st = release_host_network(locked->ctx); !st) rc = report_error(st.error().message);
    } else if (deleted) {
      std::cerr << "bridge " << locked->ctx.net.bridge << " is not this root's: it and its NAT rules are left alone\n";
    }
  }
  if (auto st = remove_tree(root.root); !st) rc = report_error(st.error().message);
  if (rc == kExitOk)
    std::cout << "removed everything under " << root.root
              << (ours ? ", bridge " + locked->ctx.net.bridge + " and nftables table " +
                             net::nat_table_name(locked->ctx.net.bridge)
                       : std::string())
              << "\n";
  return rc;
}
void system_options(po::options_description& d) {
  d.add_options()("force", po::bool_switch()->default_value(false), "do not ask for confirmation");
}

}  // namespace podctl
