// podctl - a sealed in-memory copy of a binary (memfd_create + F_SEAL_*), to exec instead of the
// file, as runc and crun do against CVE-2019-5736: a process that a container can see then has
// /proc/PID/exe pointing at a memfd that cannot be written, resized or unsealed.
#pragma once

#include <string>

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

Result<UniqueFd> sealed_copy(const std::string& binary);

// podctl-enter, installed beside the running binary (podctl or podctl-supervisor).
std::string enter_binary_path();

}  // namespace podctl
