#include "netsetup/host_settings.h"

#include "base/files.h"

namespace podctl::net {
namespace {

constexpr const char* kIpForward = "/proc/sys/net/ipv4/ip_forward";

Status write_setting(const std::string& path, const std::string& value) {
  // Plain write: /proc/sys and sysfs files cannot be replaced by rename.
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return fail(sys_error("open " + path));
  bool ok = std::fputs(value.c_str(), f) >= 0;
  ok &= std::fclose(f) == 0;
  if (!ok) return fail(sys_error("write " + path));
  return {};
}

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

Status enable_hairpin(const std::string& bridge_port) {
  return write_setting("/sys/class/net/" + bridge_port + "/brport/hairpin_mode", "1");
}

}  // namespace podctl::net
