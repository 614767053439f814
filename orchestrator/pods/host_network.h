// podctl - what a root changes on the host beyond its bridge, and how a reset puts it back: the
// root's NAT table, route_localnet on its bridge, and IP forwarding. Forwarding is machine-wide:
// the podctl that turned it on notes it in /run, and the reset that removes the last podctl table
// turns it off again. A machine-wide lock (flock on the setting itself) orders the two.
#pragma once

#include "base/error.h"
#include "orchestrator/pods/pod_context.h"

namespace podctl {

Status prepare_host_network(const PodContext& ctx);
Status release_host_network(const PodContext& ctx);

}  // namespace podctl
