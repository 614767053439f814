#include "netsetup/host_settings.h"

#include "base/files.h"

namespace podctl::net {
namespace {

constexpr const char* kIpForward = "/proc/sys/net/ipv4/ip_forward";

}  // namespace

Result<bool> enable_ip_forward() {
  auto now = read_file(kIpForward);
  if (!now) return fail(now.error());
  if (now->rfind("1", 0) == 0) return false;
  PODCTL_TRY(write_setting(kIpForward, "1"));
  return true;
}

Status disable_ip_forward() { return write_setting(kIpForward, "0"); }

Status enable_route_localnet(const std::string& bridge) {
  return write_setting("/proc/sys/net/ipv4/conf/" + bridge + "/route_localnet", "1");
}

}  // namespace podctl::net
