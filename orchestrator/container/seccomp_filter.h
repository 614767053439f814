// podctl - a seccomp profile compiled into the classic BPF program the kernel runs (libseccomp,
// in the supervisor or the CLI, before any fork), and loaded in the child with one seccomp(2)
// call: no library runs after the fork.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/pod_spec.h"
#include "orchestrator/plan/seccomp_profile.h"

namespace podctl {

using SeccompProgram = std::vector<sock_filter>;  // empty: no filter (Unconfined)

Result<SeccompProgram> compile_seccomp(const plan::SeccompProfile& profile);

// Where a root keeps seccomp things: the admin's Localhost profiles, and compiled RuntimeDefault
// programs (compiling one takes about 10 ms, and every pod's supervisor would do it again).
struct SeccompPlaces {
  std::string profiles_dir;
  std::string cache_dir;
};

// The program for a choice: RuntimeDefault for this machine and these capabilities, a Localhost
// profile read from the profiles directory (the path resolved beneath it), or none.
Result<SeccompProgram> seccomp_program(const plan::SeccompChoice& choice, uint64_t capabilities,
                                       const SeccompPlaces& places);

// The program of one container of a pod (its securityContext, the pod's, the root's default).
Result<SeccompProgram> container_seccomp(const manifest::Pod& pod, const manifest::Container& c, bool privileged,
                                         uint64_t capabilities, const std::string& root_default,
                                         const SeccompPlaces& places);

}  // namespace podctl
