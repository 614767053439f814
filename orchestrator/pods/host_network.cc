#include "orchestrator/pods/host_network.h"

#include <unistd.h>

#include "base/file_lock.h"
#include "base/files.h"
#include "netsetup/host_settings.h"
#include "netsetup/nat_rules.h"
#include "netsetup/service_rules.h"

namespace podctl {
namespace {

// Written by the podctl that turned forwarding on; removed by the reset that turns it off.
constexpr const char* kForwardNote = "/run/podctl-ip_forward-was-off";

// The lock is the forwarding setting itself (flock works on any open file, /proc/sys too), so
// that nothing has to be made for it and nothing is left behind.
Result<FileLock> lock_forwarding() { return FileLock::acquire("/proc/sys/net/ipv4/ip_forward"); }

}  // namespace

Status prepare_host_network(const PodContext& ctx) {
  PODCTL_TRY(net::enable_route_localnet(ctx.net.bridge));
  auto lock = lock_forwarding();
  if (!lock) return fail(lock.error());
  if (!net::nat_table_complete(ctx.net.bridge)) {
    PODCTL_TRY(net::ensure_nat_table({ctx.net.bridge, ctx.net.subnet_text(), ctx.net.outbound}));
    PODCTL_TRY(net::ensure_service_chains(ctx.net.bridge, ctx.net.service_subnet_text()));
  }
  bool was_off;
  PODCTL_ASSIGN_OR_RETURN(was_off, net::enable_ip_forward());
  if (was_off) PODCTL_TRY(write_file_atomic(kForwardNote, "0\n"));
  return {};
}

Status release_host_network(const PodContext& ctx) {
  auto lock = lock_forwarding();
  if (!lock) return fail(lock.error());
  PODCTL_TRY(net::delete_nat_table(ctx.net.bridge));
  std::vector<std::string> tables;
  PODCTL_ASSIGN_OR_RETURN(tables, net::list_nat_tables());
  if (tables.empty() && path_exists(kForwardNote)) {
    PODCTL_TRY(net::disable_ip_forward());
    if (::unlink(kForwardNote) != 0 && errno != ENOENT) return fail(sys_error(std::string("remove ") + kForwardNote));
  }
  return {};
}

}  // namespace podctl
