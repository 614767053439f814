// End to end: Services give the ready pods of a selector one stable address and the names cluster
// DNS would give them, load-balanced by the root's nftables table.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

// Pods that answer with their own name; ready while /tmp/ready exists (made at start).
std::string backends_yaml(int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: " +
         std::to_string(replicas) +
         "\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: "
         "web\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n      - name: web\n"
         "        image: busybox:1.35\n        ports:\n        - name: http\n          containerPort: 8080\n"
         "        command: [\"sh\", \"-c\", \"mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && "
         "exec httpd -f -p 8080 -h /www\"]\n        readinessProbe:\n          exec:\n            command: [\"cat\", "
         "\"/tmp/ready\"]\n          periodSeconds: 1\n          failureThreshold: 1\n";
}

std::string service_yaml(const std::string& extra = "") {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n" + extra +
         "  ports:\n  - port: 80\n    targetPort: http\n";
}

std::string client_yaml(const std::string& ns) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\n  namespace: " + ns +
         "\nspec:\n  containers:\n  - name: c\n    image: busybox:1.35\n    command: [\"sleep\", \"3600\"]\n";
}

class Services : public PodctlTest {
 protected:
  // What `wget URL` answers from the client pod (its first line), or "" when it fails.
  std::string fetch(const std::string& url, const std::string& ns = "default") const {
    // busybox's own wget -T crashes (Debian 12's busybox-static): timeout(1) bounds it instead.
    RunResult r = env_->podctl({"-n", ns, "exec", "client", "--", "timeout", "3", "wget", "-q", "-O", "-", url});
    return r.rc == 0 ? r.out.substr(0, r.out.find('\n')) : "";
  }
  std::set<std::string> answers(const std::string& url, int tries, const std::string& ns = "default") const {
    std::set<std::string> seen;
    for (int i = 0; i < tries; ++i) seen.insert(fetch(url, ns));
    return seen;
  }
  std::set<std::string> backend_pods() const {
    std::set<std::string> out;
    const json list = json::parse(env_->podctl({"get", "pods", "-o", "json"}).out);  // alive for the loop
    for (const auto& p : list["items"])
      if (p["metadata"]["name"].get<std::string>().rfind("web-", 0) == 0) out.insert(p["metadata"]["name"]);
    return out;
  }
};

TEST_F(Services, AServiceNameReachesEveryReadyPodFromEveryNamespace) {
  RunResult r = env_->podctl({"apply", "-f", "-", "--wait=60s"},
                             backends_yaml(2) + "---\n" + service_yaml() + "---\n" + client_yaml("default"));
  ASSERT_EQ(r.rc, 0) << r.err;
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, client_yaml("other")).rc, 0);
  json svc = json::parse(env_->podctl({"get", "svc", "web", "-o", "json"}).out);
  std::string ip = svc["spec"]["clusterIP"];
  EXPECT_EQ(ip.substr(0, ip.rfind('.') + 1), env_->service_subnet().substr(0, env_->service_subnet().rfind('.') + 1));
  // Random choice over both endpoints: 30 requests miss one with probability 2^-29.
  EXPECT_EQ(answers("http://web/", 30), backend_pods());
  EXPECT_EQ(answers("http://" + ip + "/", 10).size(), 2u);
  for (const char* name : {"web.default", "web.default.svc", "web.default.svc.cluster.local"})
    EXPECT_EQ(backend_pods().count(fetch(std::string("http://") + name + "/", "other")), 1u) << name;
  // From another namespace the bare name is not this Service's, as with cluster DNS.
  EXPECT_EQ(fetch("http://web/", "other"), "");
}

TEST_F(Services, PodsStartedAfterAServiceSeeItsVariablesUnlessServiceLinksAreOff) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, backends_yaml(1) + "---\n" + service_yaml()).rc, 0);
  std::string ip = json::parse(env_->podctl({"get", "svc", "web", "-o", "json"}).out)["spec"]["clusterIP"];
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, client_yaml("default")).rc, 0);
  EXPECT_EQ(env_->podctl({"exec", "client", "--", "sh", "-c", "echo $WEB_SERVICE_HOST:$WEB_SERVICE_PORT $WEB_PORT"}).out,
            ip + ":80 tcp://" + ip + ":80\n");
  std::string off = client_yaml("default");
  off.replace(off.find("name: client"), std::string("name: client").size(), "name: quiet");
  off.replace(off.find("  containers:"), 0, "  enableServiceLinks: false\n");
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, off).rc, 0);
  EXPECT_EQ(env_->podctl({"exec", "quiet", "--", "sh", "-c", "echo [$WEB_SERVICE_HOST]"}).out, "[]\n");
}

TEST_F(Services, APodThatIsNotReadyLeavesTheServiceAndNoEndpointsRefusesAtOnce) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         backends_yaml(2) + "---\n" + service_yaml() + "---\n" + client_yaml("default"))
                .rc,
            0);
  auto pods = backend_pods();
  ASSERT_EQ(pods.size(), 2u);
  std::string sick = *pods.begin(), well = *pods.rbegin();
  ASSERT_EQ(env_->podctl({"exec", sick, "--", "rm", "/tmp/ready"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return answers("http://web/", 10) == std::set<std::string>{well}; }));
  ASSERT_EQ(env_->podctl({"exec", well, "--", "rm", "/tmp/ready"}).rc, 0);
  // No endpoint: refused by the root's reject rule, never sent along the host's default route.
  ASSERT_TRUE(env_->eventually([&] {
    RunResult w = env_->podctl({"exec", "client", "--", "timeout", "5", "wget", "-q", "-O", "-", "http://web/"});
    return w.rc != 0 && w.err.find("refused") != std::string::npos;
  }));
}

TEST_F(Services, ClientIpAffinitySendsAClientToOnePod) {
  std::string affinity = "  sessionAffinity: ClientIP\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         backends_yaml(3) + "---\n" + service_yaml(affinity) + "---\n" + client_yaml("default"))
                .rc,
            0);
  auto endpoints = [&] {
    std::string text = env_->podctl({"describe", "svc", "web"}).out;
    return std::count(text.begin(), text.end(), ',') + 1;
  };
  ASSERT_TRUE(env_->eventually([&] { return endpoints() == 3; }));
  auto seen = answers("http://web/", 15);
  ASSERT_EQ(seen.size(), 1u);
  std::string chosen = *seen.begin();
  EXPECT_EQ(backend_pods().count(chosen), 1u);
  // Another endpoint leaves: the client keeps its pod, as with kube-proxy (the affinity is kept
  // per endpoint, not per list of endpoints).
  std::string other;
  for (const auto& p : backend_pods())
    if (p != chosen) other = p;
  ASSERT_EQ(env_->podctl({"exec", other, "--", "rm", "/tmp/ready"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return endpoints() == 2; }));
  EXPECT_EQ(answers("http://web/", 10), std::set<std::string>{chosen});
}

// An ExternalName Service's names stand for the addresses of its external name, as the host
// resolves it ("localhost": no network needed), without a cluster IP, rules or variables.
TEST_F(Services, AnExternalNameServiceNamesTheAddressesOfItsExternalName) {
  std::string external =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: upstream\nspec:\n  type: ExternalName\n"
      "  externalName: localhost\n  ports:\n  - port: 80\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, external + "---\n" + client_yaml("default")).rc, 0);
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"exec", "client", "--", "grep", "upstream.default.svc.cluster.local", "/etc/hosts"}).out ==
           "127.0.0.1\tupstream.default.svc.cluster.local\tupstream.default.svc\tupstream.default\tupstream\n";
  }));
  std::string row = env_->podctl({"get", "svc", "upstream", "--no-headers"}).out;
  EXPECT_TRUE(std::regex_search(row, std::regex("^upstream +ExternalName +<none> +localhost +80/TCP "))) << row;
  EXPECT_EQ(env_->podctl({"exec", "client", "--", "sh", "-c", "env | grep -c UPSTREAM_ || true"}).out, "0\n");
  RunResult table = sh("nft list table ip podctl_" + env_->bridge());
  EXPECT_EQ(table.out.find("svc_"), std::string::npos) << table.out;
  ASSERT_EQ(env_->podctl({"delete", "svc", "upstream"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"exec", "client", "--", "grep", "-c", "upstream", "/etc/hosts"}).out == "0\n";
  }));
}

TEST_F(Services, DeletingAServiceRemovesItsRulesAndNames) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         backends_yaml(1) + "---\n" + service_yaml() + "---\n" + client_yaml("default"))
                .rc,
            0);
  ASSERT_NE(fetch("http://web/"), "");
  RunResult d = env_->podctl({"delete", "svc/web"});
  ASSERT_EQ(d.rc, 0) << d.err;
  EXPECT_EQ(d.out, "service \"web\" deleted\n");
  EXPECT_EQ(env_->podctl({"exec", "client", "--", "grep", "-c", "web.default", "/etc/hosts"}).out, "0\n");
  RunResult table = sh("nft list table ip podctl_" + env_->bridge());
  EXPECT_EQ(table.out.find("svc_"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("ep_"), std::string::npos) << table.out;
}

TEST_F(Services, AHeadlessServiceNamesItsReadyPodsAndTheirHostnames) {
  std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db-pod\n  labels:\n    app: db\nspec:\n  hostname: db-0\n"
      "  subdomain: db\n  containers:\n  - name: db\n    image: busybox:1.35\n    command: [\"sh\", \"-c\", \"mkdir "
      "-p /www && echo db > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n    readinessProbe:\n"
      "      tcpSocket:\n        port: 8080\n      periodSeconds: 1\n";
  std::string headless =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  selector:\n    app: db\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, pod + "---\n" + headless + "---\n" + client_yaml("default")).rc,
            0);
  EXPECT_NE(env_->podctl({"get", "svc", "db"}).out.find("None"), std::string::npos);
  // The names follow the endpoints: they come once the pod is ready (within a poll of the controller).
  ASSERT_TRUE(env_->eventually([&] { return fetch("http://db:8080/") == "db"; }));
  EXPECT_EQ(fetch("http://db-0.db:8080/"), "db");
  EXPECT_EQ(fetch("http://db-0.db.default.svc.cluster.local:8080/"), "db");
}

TEST_F(Services, NodePortAndLoadBalancerServicesAnswerOnTheHostsAddresses) {
  int port = 30000 + env_->host_port() % 2768;
  std::string node_port = "  type: NodePort\n";
  std::string svc = service_yaml(node_port);
  svc += "    nodePort: " + std::to_string(port) + "\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, backends_yaml(1) + "---\n" + svc).rc, 0);
  std::string row = env_->podctl({"get", "svc", "web", "--no-headers"}).out;
  EXPECT_NE(row.find("NodePort"), std::string::npos) << row;
  EXPECT_NE(row.find("80:" + std::to_string(port) + "/TCP"), std::string::npos) << row;
  auto answers_on = [&](const std::string& host, int p) {
    std::string page = sh("curl -s --max-time 2 http://" + host + ":" + std::to_string(p) + "/").out;
    return backend_pods().count(page.substr(0, page.find('\n'))) == 1;
  };
  ASSERT_TRUE(env_->eventually([&] { return answers_on("127.0.0.1", port); }));
  // The controller holds the port, so nothing else on the machine takes it meanwhile.
  EXPECT_NE(sh("ss -ltn 'sport = :" + std::to_string(port) + "'").out.find(std::to_string(port)), std::string::npos);
  // LoadBalancer: a node port (allocated) and the machine's own address as its ingress.
  std::string lb = service_yaml("  type: LoadBalancer\n");
  lb.replace(lb.find("name: web"), std::string("name: web").size(), "name: web-lb");
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, lb).rc, 0);
  json lb_svc = json::parse(env_->podctl({"get", "svc", "web-lb", "-o", "json"}).out);
  int allocated = lb_svc["spec"]["ports"][0]["nodePort"];
  EXPECT_GE(allocated, 30000);
  EXPECT_LE(allocated, 32767);
  std::string ingress = lb_svc["status"]["loadBalancer"]["ingress"][0]["ip"];
  ASSERT_TRUE(env_->eventually([&] { return answers_on(ingress, allocated); }));
  // Deleted: the port is free again.
  ASSERT_EQ(env_->podctl({"delete", "svc", "web", "web-lb"}).rc, 0);
  EXPECT_EQ(sh("ss -ltn 'sport = :" + std::to_string(port) + "'").out.find(":" + std::to_string(port)), std::string::npos);
}

// The claim a user makes of a rolling update: with readiness, maxUnavailable 0 and a preStop pause
// (the time for the endpoints to drop a stopping pod, as on a cluster), no request fails.
TEST_F(Services, ARollingUpdateBehindAServiceFailsNoRequest) {
  auto deployment = [](const std::string& version) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n"
           "    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: web\n"
           "  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n"
           "      terminationGracePeriodSeconds: 5\n      containers:\n      - name: web\n        image: busybox:1.35\n"
           "        ports:\n        - name: http\n          containerPort: 8080\n        command: [\"sh\", \"-c\", \"mkdir -p "
           "/www && echo " + version + " > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n"
           "        readinessProbe:\n          tcpSocket:\n            port: 8080\n          periodSeconds: 1\n"
           "        lifecycle:\n          preStop:\n            sleep:\n              seconds: 2\n";
  };
  std::string counter =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox:1.35\n"
      "    command: [\"sh\", \"-c\", \"ok=0; failed=0; while true; do if timeout 3 wget -q -O - http://web/ >/dev/null "
      "2>/tmp/last; then ok=$((ok+1)); else failed=$((failed+1)); (date +%T; cat /tmp/last) >> /tmp/failures; fi; "
      "echo $ok $failed > /tmp/count; sleep 0.05; done\"]\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         deployment("v1") + "---\n" + service_yaml() + "---\n" + counter)
                .rc,
            0);
  // The client rewrites /tmp/count with `>` (truncate, then write): a read in between finds it
  // empty, which is read again rather than taken for a count.
  auto counts = [&] {
    std::pair<int, int> seen{0, -1};
    (void)env_->eventually([&] {
      std::istringstream in(env_->podctl({"exec", "client", "--", "cat", "/tmp/count"}).out);
      int ok = 0, failed = -1;
      in >> ok >> failed;
      seen = {ok, failed};
      return failed >= 0;
    });
    return seen;
  };
  ASSERT_TRUE(env_->eventually([&] { return counts().first > 10; }));
  auto before = counts();
  RunResult rolled = env_->podctl({"apply", "-f", "-", "--wait=90s"}, deployment("v2"));
  ASSERT_EQ(rolled.rc, 0) << rolled.err;
  ::sleep(3);  // the last old pods' preStop and grace, with requests going on
  auto after = counts();
  EXPECT_EQ(after.second, before.second)
      << "requests failed during the rollout:\n" << env_->podctl({"exec", "client", "--", "cat", "/tmp/failures"}).out;
  EXPECT_GT(after.first - before.first, 20);
  EXPECT_EQ(fetch("http://web/"), "v2");
}

TEST_F(Services, InvalidServicesAreRefusedWithTheirPlace) {
  RunResult r = env_->podctl({"apply", "-f", "-"},
                             "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  clusterIP: 10.1.2.3\n"
                             "  ports:\n  - port: 80\n");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("STDIN:4:9: metadata.name: \"1web\": a DNS-1035 label"), std::string::npos) << r.err;
  RunResult outside = env_->podctl(
      {"apply", "-f", "-"},
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.1.2.3\n  ports:\n  - port: 80\n");
  EXPECT_EQ(outside.rc, 1);
  EXPECT_NE(outside.err.find("provided IP is not in the valid range. The range of valid IPs is " +
                             env_->service_subnet()),
            std::string::npos)
      << outside.err;
}

}  // namespace
}  // namespace podctl::test
