// podctl - where everything lives under --root (see docs/architecture.md, "State on disk").
#pragma once

#include <string>

namespace podctl {

// Every name that becomes a path component of the store passes through here. Names are checked
// where they enter (manifests, the command line, the environment), so an invalid one reaching
// this point is a bug that would let "../x" leave the root: the process stops instead.
const std::string& store_name(const std::string& name);    // a DNS-1123 subdomain
const std::string& store_label(const std::string& label);  // a DNS-1123 label
bool is_store_name(const std::string& name);
bool is_store_label(const std::string& label);

struct RootPaths {
  std::string root;

  std::string lock() const { return root + "/lock"; }
  std::string config() const { return root + "/config.json"; }
  std::string ipam_dir() const { return root + "/ipam"; }
  std::string images_dir() const { return root + "/images"; }
  std::string seccomp_dir() const { return root + "/seccomp"; }              // Localhost seccomp profiles
  std::string seccomp_cache_dir() const { return root + "/cache/seccomp"; }  // compiled RuntimeDefault
  std::string pods_dir() const { return root + "/pods"; }
  // Held while a pod is placed on the node, so that two pods never take the same free memory.
  std::string scheduler_lock() const { return root + "/scheduler.lock"; }
  // One entry per bound pod with required podAntiAffinity (by uid), removed with the pod.
  std::string anti_affinity_dir() const { return root + "/scheduler/anti-affinity"; }
  // A PersistentVolumeClaim's data, by the claim's uid: it outlives the pods that mount it.
  std::string claim_dir(const std::string& ns, const std::string& uid) const {
    return root + "/volumes/" + store_label(ns) + "/" + store_name(uid);
  }
  // One directory per workload object with a controller: controller.pid, status.json, controller.log.
  std::string controller_dir(const std::string& resource, const std::string& ns, const std::string& name) const {
    return root + "/controllers/" + store_label(resource) + "/" + store_label(ns) + "/" + store_name(name);
  }
  std::string namespace_dir(const std::string& ns) const { return pods_dir() + "/" + store_label(ns); }
  std::string pod_dir(const std::string& ns, const std::string& name) const {
    return namespace_dir(ns) + "/" + store_name(name);
  }
};

// Files inside one pod's directory.
struct PodPaths {
  std::string dir;

  std::string record() const { return dir + "/pod.json"; }      // uid, creation time, IP, veth (CLI)
  std::string spec() const { return dir + "/spec.json"; }       // desired spec (CLI)
  std::string status() const { return dir + "/status.json"; }   // observed status (supervisor)
  std::string events() const { return dir + "/events.jsonl"; }  // append-only events (supervisor)
  std::string supervisor_pid() const { return dir + "/supervisor.pid"; }
  std::string stop_request() const { return dir + "/stop.json"; }  // grace period for a delete (CLI)
  std::string hosts() const { return dir + "/hosts"; }
  std::string hostname() const { return dir + "/hostname"; }
  std::string resolv_conf() const { return dir + "/resolv.conf"; }
  std::string shm() const { return dir + "/shm"; }
  std::string container_dir(const std::string& name) const { return dir + "/containers/" + store_label(name); }
  std::string log_dir(const std::string& name) const { return dir + "/logs/" + store_label(name); }
  std::string volume_dir(const std::string& name) const { return dir + "/volumes/" + store_label(name); }
  std::string ports() const { return dir + "/ports.json"; }  // published ports (supervisor; cleanup)
};

}  // namespace podctl
