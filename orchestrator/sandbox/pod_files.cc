#include "orchestrator/sandbox/pod_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "base/files.h"
#include "base/unique_fd.h"
#include "manifests/policies.h"

namespace podctl {

namespace {

std::string hostname_of(const std::string& name, const std::string& hostname) {
  std::string h = hostname.empty() ? name : hostname;
  if (h.size() > 63) h.resize(63);  // the kubelet truncates to 63 characters
  while (!h.empty() && (h.back() == '-' || h.back() == '.')) h.pop_back();
  return h;
}

}  // namespace

std::string pod_hostname(const manifest::Pod& pod) { return hostname_of(pod.metadata.name, pod.spec.hostname); }

HostsEntries hosts_entries(const manifest::Pod& pod) {
  return {pod.metadata.namespace_, pod_hostname(pod), pod.spec.subdomain, pod.spec.host_aliases};
}

HostsEntries hosts_entries(const nlohmann::json& pod) {
  const auto& spec = pod.at("spec");
  HostsEntries e{pod["metadata"].value("namespace", ""),
                 hostname_of(pod["metadata"].value("name", ""), spec.value("hostname", "")),
                 spec.value("subdomain", ""),
                 {}};
  for (const auto& a : spec.value("hostAliases", nlohmann::json::array()))
    e.host_aliases.push_back({a.value("ip", ""), a.value("hostnames", std::vector<std::string>{})});
  return e;
}

std::string render_hosts(const HostsEntries& pod, const std::string& pod_ip, const std::vector<PeerPod>& peers,
                         const std::vector<PeerPod>& services) {
  std::string out =
      "# Kubernetes-managed hosts file.\n"
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\n"
      "fe00::0\tip6-mcastprefix\n"
      "fe00::1\tip6-allnodes\n"
      "fe00::2\tip6-allrouters\n";
  // With a subdomain the kubelet writes the pod's FQDN first (cluster domain cluster.local).
  if (!pod.subdomain.empty())
    out += pod_ip + "\t" + pod.hostname + "." + pod.subdomain + "." + pod.ns + ".svc.cluster.local\t" + pod.hostname +
           "\n";
  else
    out += pod_ip + "\t" + pod.hostname + "\n";
  if (!services.empty()) {
    out += "\n# Services (podctl).\n";
    for (const auto& s : services) {
      std::string ns_name = s.name + "." + s.ns;
      out += s.ip + "\t" + ns_name + ".svc.cluster.local\t" + ns_name + ".svc\t" + ns_name;
      out += (s.ns == pod.ns ? "\t" + s.name : "") + "\n";
    }
  }
  if (!peers.empty()) {
    out += "\n# Pods of namespace " + pod.ns + " (podctl).\n";
    for (const auto& p : peers) out += p.ip + "\t" + p.name + "\t" + p.name + "." + p.ns + "\n";
  }
  if (!pod.host_aliases.empty()) {
    out += "\n# Entries added by HostAliases.\n";
    for (const auto& a : pod.host_aliases) {
      out += a.ip;
      for (const auto& h : a.hostnames) out += "\t" + h;
      out += "\n";
    }
  }
  return out;
}

Status rewrite_in_place(const std::string& path, const std::string& content) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) return fail(sys_error("open " + path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(sys_error("stat " + path));
  std::string old(static_cast<size_t>(st.st_size), '\0');
  if (::pread(fd.get(), old.data(), old.size(), 0) != static_cast<ssize_t>(old.size()))
    return fail(sys_error("read " + path));
  if (old == content) return {};
  // Readers (a resolver looking a name up) run while this writes: O_TRUNC would show them an empty
  // file for a moment. One write of the new text, padded with blank lines to the old size, then the
  // truncation: every read sees the old text, or the new one with or without blank lines after it.
  std::string padded = content;
  if (padded.size() < old.size()) padded.append(old.size() - padded.size(), '\n');
  if (::pwrite(fd.get(), padded.data(), padded.size(), 0) != static_cast<ssize_t>(padded.size()))
    return fail(sys_error("write " + path));
  if (::ftruncate(fd.get(), static_cast<off_t>(content.size())) != 0) return fail(sys_error("truncate " + path));
  return {};
}

std::string render_resolv_conf(const std::string& host_resolv_conf, const manifest::Pod& pod) {
  auto policy = manifest::dns_policy_of(pod.spec);
  if (policy != manifest::DnsPolicy::ClusterFirst && policy != manifest::DnsPolicy::ClusterFirstWithHostNet)
    return host_resolv_conf;
  std::vector<std::string> nameservers, host_search;
  std::istringstream lines(host_resolv_conf);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "nameserver") {
      std::string ns;
      if (words >> ns) nameservers.push_back(ns);
    } else if (key == "search" || key == "domain") {
      host_search.clear();  // the last search or domain line wins, as in the resolver
      for (std::string d; words >> d;) host_search.push_back(d);
    }
  }
  const std::string& ns = pod.metadata.namespace_;
  std::vector<std::string> search = {ns + ".svc.cluster.local", "svc.cluster.local", "cluster.local"};
  for (const auto& d : host_search)
    if (search.size() < 32 && std::find(search.begin(), search.end(), d) == search.end()) search.push_back(d);
  std::string out;
  for (const auto& n : nameservers) out += "nameserver " + n + "\n";
  out += "search";
  for (const auto& d : search) out += " " + d;
  return out + "\noptions ndots:5\n";
}

Status write_pod_files(const std::string& dir, const manifest::Pod& pod, const std::string& pod_ip,
                       const std::vector<PeerPod>& peers, const std::vector<PeerPod>& services) {
  PODCTL_TRY(rewrite_in_place(dir + "/hosts", render_hosts(hosts_entries(pod), pod_ip, peers, services)));
  PODCTL_TRY(write_runtime_file(dir + "/hostname", pod_hostname(pod) + "\n"));
  auto resolv = read_file("/etc/resolv.conf");
  return write_runtime_file(dir + "/resolv.conf", render_resolv_conf(resolv ? *resolv : "", pod));
}

}  // namespace podctl
