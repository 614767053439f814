// podctl - configures the pod side of the network. Runs INSIDE the pod's network namespace (in the
// pause child before exec): lo up, eth0 up with its address, default route via the gateway.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace podctl::net {

struct PodInterfaceConfig {
  std::string name = "eth0";
  uint32_t ip = 0;  // host byte order
  int prefix = 16;
  uint32_t gateway = 0;
};

Status configure_pod_interface_in_child(const PodInterfaceConfig& config);

}  // namespace podctl::net
