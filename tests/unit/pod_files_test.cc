// /etc/hosts as the kubelet writes it, plus podctl's lines for the namespace's other pods.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "base/files.h"

#include "orchestrator/sandbox/pod_files.h"

namespace podctl {
namespace {

const std::string kHeader =
    "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
    "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

TEST(Hosts, ThePodThenItsPeersThenHostAliases) {
  HostsEntries pod{"dev", "web", "", {{"10.9.9.9", {"db.local", "cache.local"}}}};
  EXPECT_EQ(render_hosts(pod, "10.0.0.2", {{"api", "dev", "10.0.0.3"}}),
            kHeader +
                "10.0.0.2\tweb\n\n# Pods of namespace dev (podctl).\n10.0.0.3\tapi\tapi.dev\n\n"
                "# Entries added by HostAliases.\n10.9.9.9\tdb.local\tcache.local\n");
}

TEST(Hosts, ServicesHaveTheirClusterDnsNamesAndTheShortNameInTheirNamespaceOnly) {
  HostsEntries pod{"dev", "web", "", {}};
  EXPECT_EQ(render_hosts(pod, "10.0.0.2", {}, {{"db", "dev", "10.96.0.1"}, {"cache", "ops", "10.96.0.2"}}),
            kHeader +
                "10.0.0.2\tweb\n\n# Services (podctl).\n"
                "10.96.0.1\tdb.dev.svc.cluster.local\tdb.dev.svc\tdb.dev\tdb\n"
                "10.96.0.2\tcache.ops.svc.cluster.local\tcache.ops.svc\tcache.ops\n");
}

TEST(Hosts, ASubdomainGivesTheKubeletsFqdnLine) {
  HostsEntries pod{"dev", "web-0", "web", {}};
  EXPECT_EQ(render_hosts(pod, "10.0.0.2", {}), kHeader + "10.0.0.2\tweb-0.web.dev.svc.cluster.local\tweb-0\n");
}

// A resolver reads /etc/hosts while podctl rewrites it (a peer came or went): every read must find
// the lines both versions share, and the inode stays the one bind-mounted into the containers.
TEST(Hosts, ARewriteNeverShowsReadersAFileWithoutItsLines) {
  std::string path = "/tmp/podctl-hosts-" + std::to_string(::getpid());
  std::string shared = kHeader + "10.0.0.9\tweb.default.svc.cluster.local\tweb\n";
  std::string longer = shared + "10.0.0.3\tpeer-with-a-long-name-that-comes-and-goes\n";
  ASSERT_TRUE(rewrite_in_place(path, longer));
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done) {
      auto text = read_file(path);
      if (!text || text->compare(0, shared.size(), shared) != 0) ++torn;
    }
  });
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE(rewrite_in_place(path, i % 2 ? longer : shared));
  done = true;
  reader.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(*read_file(path), shared + "10.0.0.3\tpeer-with-a-long-name-that-comes-and-goes\n");
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace podctl

namespace podctl {
namespace {

manifest::Pod pod_in(const std::string& ns, const std::string& dns_policy) {
  manifest::Pod pod;
  pod.metadata.name = "web";
  pod.metadata.namespace_ = ns;
  pod.spec.dns_policy = dns_policy;
  return pod;
}

TEST(ResolvConf, ClusterFirstHasTheKubeletsSearchLineAndNdots) {
  const std::string host = "# host\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example lab\noptions rotate\n";
  EXPECT_EQ(render_resolv_conf(host, pod_in("shop", "ClusterFirst")),
            "nameserver 10.0.0.2\nnameserver 10.0.0.3\n"
            "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab\n"
            "options ndots:5\n");
  EXPECT_EQ(render_resolv_conf("nameserver 1.1.1.1\n", pod_in("default", "")),  // unset: ClusterFirst
            "nameserver 1.1.1.1\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
}

TEST(ResolvConf, DefaultIsTheHostsAsItIs) {
  const std::string host = "nameserver 10.0.0.2\nsearch corp.example\noptions rotate\n";
  EXPECT_EQ(render_resolv_conf(host, pod_in("shop", "Default")), host);
}

// A resolver reads /etc/hosts while podctl rewrites it (a peer came or went): every read must find

}  // namespace
}  // namespace podctl
