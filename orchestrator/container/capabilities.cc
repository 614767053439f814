#include "orchestrator/container/capabilities.h"
#include "orchestrator/container/capability_syscalls.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace podctl {
namespace {

struct CapName {
  const char* name;
  int bit;
};

constexpr CapName kCaps[] = {
    {"CHOWN", 0},
    {"DAC_OVERRIDE", 1},
    {"DAC_READ_SEARCH", 2},
    {"FOWNER", 3},
    {"FSETID", 4},
    {"KILL", 5},
    {"SETGID", 6},
    {"SETUID", 7},
    {"SETPCAP", 8},
    {"LINUX_IMMUTABLE", 9},
    {"NET_BIND_SERVICE", 10},
    {"NET_BROADCAST", 11},
    {"NET_ADMIN", 12},
    {"NET_RAW", 13},
    {"IPC_LOCK", 14},
    {"IPC_OWNER", 15},
    {"SYS_MODULE", 16},
    {"SYS_RAWIO", 17},
    {"SYS_CHROOT", 18},
    {"SYS_PTRACE", 19},
    {"SYS_PACCT", 20},
    {"SYS_ADMIN", 21},
    {"SYS_BOOT", 22},
    {"SYS_NICE", 23},
    {"SYS_RESOURCE", 24},
    {"SYS_TIME", 25},
    {"SYS_TTY_CONFIG", 26},
    {"MKNOD", 27},
    {"LEASE", 28},
    {"AUDIT_WRITE", 29},
    {"AUDIT_CONTROL", 30},
    {"SETFCAP", 31},
    {"MAC_OVERRIDE", 32},
    {"MAC_ADMIN", 33},
    {"SYSLOG", 34},
    {"WAKE_ALARM", 35},
    {"BLOCK_SUSPEND", 36},
    {"AUDIT_READ", 37},
    {"PERFMON", 38},
    {"BPF", 39},
    {"CHECKPOINT_RESTORE", 40},
};

int last_cap() {
  static int last = last_capability_in_child();
  return last;
}

}  // namespace

uint64_t default_capabilities() {
  uint64_t set = 0;
  for (int bit : {0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31}) set |= uint64_t{1} << bit;
  return set;
}

// Everything this process may hand on: its own bounding set (a machine without, say,
// CAP_SYS_RESOURCE cannot give it to a privileged container, and capset would refuse the lot).
uint64_t all_capabilities() {
  static uint64_t set = [] {
    uint64_t bits = 0;
    for (int c = 0; c <= last_cap(); ++c)
      if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) bits |= uint64_t{1} << c;
    return bits;
  }();
  return set;
}

Result<uint64_t> apply_capability_changes(uint64_t base, const std::vector<std::string>& add,
                                          const std::vector<std::string>& drop) {
  auto lookup = [](std::string name) -> Result<uint64_t> {
    if (name.rfind("CAP_", 0) == 0) name = name.substr(4);
    if (name == "ALL") return all_capabilities();
    for (const auto& c : kCaps)
      if (name == c.name) return uint64_t{1} << c.bit;
    return fail(make_error("unknown capability " + name));
  };
  uint64_t set = base;
  for (const auto& d : drop) {
    uint64_t bits;
    PODCTL_ASSIGN_OR_RETURN(bits, lookup(d));
    set &= ~bits;
  }
  for (const auto& a : add) {
    uint64_t bits;
    PODCTL_ASSIGN_OR_RETURN(bits, lookup(a));
    set |= bits;
  }
  return set & all_capabilities();
}

std::vector<std::string> capability_names(uint64_t set) {
  std::vector<std::string> out;
  for (const auto& c : kCaps)
    if (set & (uint64_t{1} << c.bit)) out.push_back(std::string("CAP_") + c.name);
  return out;
}

}  // namespace podctl
