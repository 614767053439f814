// podctl - IPv4 addresses as host-order numbers, and their dotted text.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace podctl {

Result<uint32_t> parse_ip(const std::string& text);
std::string ip_to_string(uint32_t ip);

}  // namespace podctl
