// podctl - the identifiers and timestamps podctl gives objects: UIDs (RFC 4122 version 4) and
// RFC 3339 times, as Kubernetes writes them.
#pragma once

#include <ctime>
#include <string>

namespace podctl {

std::string new_uid();
std::string rfc3339_now();       // 2026-11-30T12:00:00Z
std::string rfc3339_at(std::time_t seconds_since_epoch);
std::string rfc3339_nano_now();  // 2026-11-30T12:00:00.123456789Z (CRI log lines)

}  // namespace podctl
