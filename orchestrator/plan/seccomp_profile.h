// podctl - seccomp profiles as data: the OCI runtime-spec form (defaultAction, architectures,
// syscalls with names, action, errnoRet and argument conditions), which Localhost profiles are
// written in, and RuntimeDefault, containerd's default profile (contrib/seccomp/seccomp_default.go:
// the same allow-list and capability-dependent rules as Docker's). Pure: compiling a profile into
// a BPF filter is container/seccomp_filter.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace podctl::plan {

struct SeccompArg {
  unsigned index = 0;
  uint64_t value = 0, value_two = 0;
  std::string op;  // SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ
};

struct SeccompRule {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, …
  std::optional<unsigned> errno_ret;
  std::vector<SeccompArg> args;
};

struct SeccompProfile {
  std::string default_action;
  std::optional<unsigned> default_errno;
  std::vector<std::string> architectures;  // SCMP_ARCH_X86_64, …
  std::vector<SeccompRule> syscalls;
};

// containerd's RuntimeDefault for this machine's architecture ("x86_64", "aarch64", …) and a
// container with this capability bounding set (bit N = capability N).
SeccompProfile runtime_default_profile(const std::string& machine, uint64_t capabilities);

// An OCI seccomp profile (a Localhost profile's file); `where` names it in errors.
Result<SeccompProfile> parse_oci_seccomp(const nlohmann::json& doc, const std::string& where);

// Which profile a container gets: its own seccompProfile, else the pod's, else the root's
// default. A privileged container is Unconfined unless it names a profile itself, as with the
// container runtimes.
struct SeccompChoice {
  std::string type;               // RuntimeDefault | Unconfined | Localhost
  std::string localhost_profile;  // relative to the root's seccomp/ directory
};
SeccompChoice choose_seccomp(const std::optional<SeccompChoice>& container, const std::optional<SeccompChoice>& pod,
                             bool privileged, const std::string& root_default);

}  // namespace podctl::plan
