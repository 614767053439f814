// podctl - a process named by pid AND start time, so a recycled pid is never mistaken for ours.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"

namespace podctl {

struct ProcessIdentity {
  pid_t pid = 0;
  uint64_t start_time = 0;  // field 22 of /proc/PID/stat, in clock ticks since boot
  bool operator==(const ProcessIdentity&) const = default;
};

std::optional<uint64_t> process_start_time(pid_t pid);
std::optional<ProcessIdentity> identify_process(pid_t pid);
// True when the pid still names the same process and it has not exited (a zombie has).
bool process_alive(const ProcessIdentity& id);

// An identity file ("PID START_TIME\n"), written atomically.
Status write_process_identity(const std::string& path, const ProcessIdentity& id);
std::optional<ProcessIdentity> read_process_identity(const std::string& path);

}  // namespace podctl
