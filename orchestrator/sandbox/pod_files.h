// podctl - the files every container of a pod gets bound into /etc: hosts (kubelet format, plus
// the root's Services and the other pods of the namespace), hostname, and resolv.conf.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/pod_spec.h"

namespace podctl {

// A pod of the namespace, or a Service of the root, by name.
struct PeerPod {
  std::string name;
  std::string ns;
  std::string ip;
};

// What /etc/hosts needs of a pod; taken from the typed spec or from its stored JSON form.
struct HostsEntries {
  std::string ns;
  std::string hostname;
  std::string subdomain;
  std::vector<manifest::HostAlias> host_aliases;
};
HostsEntries hosts_entries(const manifest::Pod& pod);
HostsEntries hosts_entries(const nlohmann::json& pod_object);

std::string pod_hostname(const manifest::Pod& pod);
// Services get the names cluster DNS gives them: NAME.NS.svc.cluster.local, NAME.NS.svc, NAME.NS,
// and NAME alone in their own namespace.
std::string render_hosts(const HostsEntries& pod, const std::string& pod_ip, const std::vector<PeerPod>& peers,
                         const std::vector<PeerPod>& services = {});
// Rewrites the file in place (same inode), so that containers with it bind-mounted see the change.
Status rewrite_in_place(const std::string& path, const std::string& content);
// The pod's resolv.conf from the host's. dnsPolicy Default: the host's as it is. ClusterFirst (and
// ClusterFirstWithHostNet): as the kubelet writes it for a cluster with DNS, the host's
// nameservers, the search line NS.svc.cluster.local svc.cluster.local cluster.local followed by
// the host's own domains (32 at most), and options ndots:5. The cluster's names themselves come
// from /etc/hosts, which the resolver reads first.
std::string render_resolv_conf(const std::string& host_resolv_conf, const manifest::Pod& pod);
Status write_pod_files(const std::string& dir, const manifest::Pod& pod, const std::string& pod_ip,
                       const std::vector<PeerPod>& peers, const std::vector<PeerPod>& services);

}  // namespace podctl
