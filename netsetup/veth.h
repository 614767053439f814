// podctl - the pod's veth pair: host end on the bridge, pod end created directly inside the
// pause's network namespace (so its name "eth0" never clashes with the host's).
#pragma once

#include <sys/types.h>

#include <string>

#include "base/error.h"

namespace podctl::net {

// Host end `host_name` (≤ 15 chars) enslaved to `bridge` and up; peer `pod_name` in the netns of `pid`.
Status create_pod_veth(const std::string& host_name, const std::string& pod_name, pid_t pid, const std::string& bridge);
Status delete_host_veth(const std::string& host_name);

// A host veth name from a pod uid: "pc" + 12 hex digits, within IFNAMSIZ - 1.
std::string host_veth_name(const std::string& pod_uid);

}  // namespace podctl::net
