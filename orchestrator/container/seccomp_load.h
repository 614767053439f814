// podctl - loading a compiled seccomp program in a child about to exec: header-only and
// allocation-free, for the container's child and for the static podctl-enter alike.
#pragma once

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace podctl {

// Returns 0 or an errno. Needs no_new_privs or CAP_SYS_ADMIN, as the kernel requires.
inline int load_seccomp_in_child(const sock_filter* program, size_t count) {
  if (count == 0) return 0;
  sock_fprog prog{static_cast<unsigned short>(count), const_cast<sock_filter*>(program)};
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 0 : errno;
}

}  // namespace podctl
