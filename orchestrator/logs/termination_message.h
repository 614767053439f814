// podctl - a container's termination message, as the kubelet reads it: the file the container
// wrote at its terminationMessagePath (at most 4096 bytes), or with FallbackToLogsOnError, when
// that is empty and the container failed, the end of its log (80 lines, at most 2048 bytes).
#pragma once

#include <string>

namespace podctl {

inline constexpr size_t kMaxTerminationMessageBytes = 4096;
inline constexpr size_t kMaxTerminationLogLines = 80;
inline constexpr size_t kMaxTerminationLogBytes = 2048;

// `file`: the host side of the container's termination log (a regular file of the supervisor's;
// the container only ever writes into it). `log_dir`, `run`: the container's CRI logs.
std::string termination_message(const std::string& file, const std::string& policy, int exit_code,
                                 const std::string& log_dir, int run);

}  // namespace podctl
