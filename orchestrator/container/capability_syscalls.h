// podctl - the capability system calls a process makes on itself just before it execs a
// container's command: header-only and allocation-free, for the children of the supervisor and
// for the static podctl-enter helper alike.
#pragma once

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace podctl {

// The highest capability this kernel knows.
inline int last_capability_in_child() {
  for (int c = 63; c >= 0; --c)
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0) return c;
  return CAP_LAST_CAP;
}

// Drops everything outside `keep` from the bounding set. Returns 0 or an errno.
inline int drop_bounding_capabilities_in_child(uint64_t keep) {
  int last = last_capability_in_child();
  for (int c = 0; c <= last; ++c) {
    if (keep & (uint64_t{1} << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  return 0;
}

// For root: effective and permitted become `keep` (a non-root user keeps none after setuid, as
// with containerd). Returns 0 or an errno.
inline int set_process_capabilities_in_child(uint64_t keep) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  data[0].effective = data[0].permitted = static_cast<uint32_t>(keep);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(keep >> 32);
  if (syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

}  // namespace podctl
