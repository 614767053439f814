// podctl - creating, stopping and cleaning up pods from the CLI, with the root lock held.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/pod_spec.h"
#include "orchestrator/pods/pod_context.h"
#include "orchestrator/sandbox/pod_files.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

// Allocates the IP, writes the pod's files, starts its supervisor and waits until every container
// has started or has a known start error. On failure everything made so far is removed.
Result<PodRecord> create_pod(const PodContext& ctx, const manifest::Pod& pod, const std::string& source = "");

// The running podctl binary (/proc/self/exe), for the processes it starts of itself.
std::string self_exe();

// Writes the new spec of a running pod whose containers alone changed, and tells its supervisor
// (SIGHUP), which restarts just the changed containers and then reports the new spec hash in
// status.json (runtime.specHash).
Status update_pod(const PodRecord& record, const manifest::Pod& pod);

// Asks the supervisor to stop the pod (grace period in seconds, or the spec's when negative) and
// waits until it has exited. A dead supervisor is not an error: cleanup handles what it left.
Status stop_pod(const PodRecord& record, int64_t grace_seconds);
// The stop request alone (the supervisor stops the pod by itself): for controllers, which must not
// wait out a grace period.
Status request_pod_stop(const PodRecord& record, int64_t grace_seconds);
// A supervisor still running well past its stop request's grace period is killed (SIGKILL), as
// stop_pod would after waiting; the pod is then cleaned up like a lost one.
Status enforce_stop_deadline(const PodRecord& record);
// stop_pod for several pods at once: every supervisor is told first, then all are waited for.
Status stop_pods(const std::vector<PodRecord>& records, int64_t grace_seconds);

// Removes everything a pod may have left, whatever state it is in: processes (through its cgroup),
// cgroups, the host veth, the IP and the pod directory. Running it twice is harmless.
Status cleanup_pod(const PodContext& ctx, const PodRecord& record);

// stop_pod + cleanup_pod + refresh_peer_hosts.
Status delete_pod(const PodContext& ctx, const PodRecord& record, int64_t grace_seconds);

// Rewrites /etc/hosts of every pod of the namespace in place, so running containers see new pods.
Status refresh_namespace_hosts(const PodContext& ctx, const std::string& ns);
// The same for every namespace (a Service came or went).
Status refresh_all_hosts(const PodContext& ctx);
// A pod of the namespace came or went. Only the pod-name entries (the root's opt-in) change with
// that; without them nothing is read or written, so that a pod's apply or delete costs the same
// whatever the number of pods.
Status refresh_peer_hosts(const PodContext& ctx, const std::string& ns);
// The root's Services by name, for /etc/hosts: a ClusterIP service's address, a headless one's
// ready endpoints, and the hostname.subdomain records of the pods behind a headless one.
std::vector<PeerPod> service_addresses(const RootPaths& root);
// The other pods of the namespace, when the root keeps bare pod names (--pod-name-hosts).
std::vector<PeerPod> peer_pods(const NetworkConfig& net, const std::vector<PodRecord>& pods, const std::string& self);

}  // namespace podctl
