#include "orchestrator/pods/host_network.h"

#include <unistd.h>

#include "base/file_lock.h"
#include "base/files.h"
#include "netsetup/host_settings.h"
#include "netsetup/nat_rules.h"

namespace podctl {
namespace {

constexpr const char* kRunDir = "/run/podctl";
constexpr const char* kForwardNote = "/run/podctl/ip_forward-was-off";

std::string lock_path() { return std::string(kRunDir) + "/host-network.lock"; }

Result<FileLock> lock_host() {
  PODCTL_TRY(make_dirs(kRunDir, 0700));
  return FileLock::acquire(lock_path());
}

}  // namespace

Status prepare_host_network(const PodContext& ctx) {
  PODCTL_TRY(net::enable_route_localnet(ctx.net.bridge));
  auto lock = lock_host();
  if (!lock) return fail(lock.error());
  PODCTL_TRY(net::ensure_nat_table({ctx.net.bridge, ctx.net.subnet_text(), ctx.net.outbound}));
  bool was_off;
  PODCTL_ASSIGN_OR_RETURN(was_off, net::enable_ip_forward());
  if (was_off) PODCTL_TRY(write_file_atomic(kForwardNote, "0\n"));
  return {};
}

Status release_host_network(const PodContext& ctx) {
  auto lock = lock_host();
  if (!lock) return fail(lock.error());
  PODCTL_TRY(net::delete_nat_table(ctx.net.bridge));
  std::vector<std::string> tables;
  PODCTL_ASSIGN_OR_RETURN(tables, net::list_nat_tables());
  if (!tables.empty()) return {};
  if (path_exists(kForwardNote)) {
    PODCTL_TRY(net::disable_ip_forward());
    ::unlink(kForwardNote);
  }
  // The last podctl network is gone: so is podctl's trace in /run (under the lock; a podctl
  // waiting for the old lock file is ordered by it, one that comes later makes a new one).
  ::unlink(lock_path().c_str());
  ::rmdir(kRunDir);
  return {};
}

}  // namespace podctl
