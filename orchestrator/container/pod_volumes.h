// podctl - the pod's volumes on the host, under POD/volumes/<name>, made ready the kubelet's way
// before a container that mounts them starts: emptyDir (a directory, or tmpfs for medium:
// Memory), hostPath (with its type check), configMap and secret (files through the atomic
// writer; secrets on tmpfs, never on disk), downwardAPI. The mounts live in the supervisor's
// private mount namespace, so they go away with it.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "manifests/pod_spec.h"
#include "orchestrator/container/pod_facts.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

// One volumeMount, resolved on the host. The source is an fd, opened once (a subPath beneath its
// volume in one openat2 step), and the container's child clones the mount from that fd: what was
// checked is what is mounted, whatever a container does to the volume in between.
struct VolumeBind {
  UniqueFd source;     // O_PATH: the volume, or the file or directory a subPath names in it
  std::string shown;   // the source for messages
  std::string target;  // mountPath in the container
  bool read_only = false;
};

// Makes ready every volume the container mounts and returns its binds, in volumeMounts order.
// Errors carry the kubelet's FailedMount wording ("configmap \"x\" not found", "hostPath type
// check failed: /srv is not a directory").
Result<std::vector<VolumeBind>> prepare_volumes(const manifest::Pod& pod, const manifest::Container& c,
                                                const PodPaths& paths, const PodFacts& facts);

// Rewrites the configMap, secret and downwardAPI volumes that exist already (after one of their
// sources changed): running containers see the new files, except through a subPath.
void refresh_volumes(const manifest::Pod& pod, const PodPaths& paths, const PodFacts& facts);

}  // namespace podctl
