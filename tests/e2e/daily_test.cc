// Daily use as a kubectl user expects it: label selectors, several kinds at once, extra columns,
// deletes and waits by selector; and as a compose user expects it: the logs of many pods, merged
// and followed.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using Daily = PodctlTest;
using nlohmann::json;

std::string labelled_pod(const std::string& name, const std::string& labels, const std::string& script) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  labels: {" + labels +
         "}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: busybox:1.35\n"
         "    command: [sh, -c, \"" + script + "\"]\n";
}

// podctl with the test's root, interrupted (SIGINT, as Ctrl-C) after `seconds`: for the verbs that
// run until stopped (logs -f, port-forward, get -w).
RunResult podctl_for(const PodctlEnv& env, int seconds, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"timeout", "-s", "INT", std::to_string(seconds), PODCTL_BINARY, "--root", env.root(),
                                "--bridge", env.bridge(), "--subnet", env.subnet(), "--service-cidr",
                                env.service_subnet()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

const char* kService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n"
                       "  ports:\n  - port: 80\n";

TEST_F(Daily, SelectorsSeveralKindsAndLabelColumnsAsWithKubectl) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         labelled_pod("web-1", "app: web, tier: front", "sleep 600") + "---\n" +
                             labelled_pod("web-2", "app: web, tier: back", "sleep 600") + "---\n" +
                             labelled_pod("db", "app: db", "sleep 600") + "---\n" + kService)
                .rc,
            0);
  EXPECT_EQ(env_->podctl({"get", "pods", "-l", "app=web", "-o", "name"}).out, "pod/web-1\npod/web-2\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-l", "app=web,tier in (back)", "-o", "name"}).out, "pod/web-2\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-l", "!tier", "-o", "name"}).out, "pod/db\n");
  RunResult none = env_->podctl({"get", "pods", "-l", "app=nothing"});
  EXPECT_EQ(none.rc, 0);
  EXPECT_EQ(none.err, "No resources found in default namespace.\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-l", "app in web"}).rc, 2);
  std::string labels = env_->podctl({"get", "pods", "--show-labels"}).out;
  EXPECT_NE(labels.find("LABELS"), std::string::npos) << labels;
  EXPECT_NE(labels.find("app=web,tier=front"), std::string::npos) << labels;
  std::string columns = env_->podctl({"get", "pods", "-L", "app,tier"}).out;
  EXPECT_NE(columns.find("APP"), std::string::npos) << columns;
  EXPECT_NE(columns.find("TIER"), std::string::npos) << columns;
  std::string both = env_->podctl({"get", "pods,svc"}).out;
  EXPECT_NE(both.find("pod/db"), std::string::npos) << both;
  EXPECT_NE(both.find("\n\nNAME"), std::string::npos) << both;  // one table per kind
  EXPECT_NE(both.find("service/web"), std::string::npos) << both;
  std::string all = env_->podctl({"get", "all", "--no-headers"}).out;
  EXPECT_NE(all.find("pod/web-1"), std::string::npos) << all;
  EXPECT_NE(all.find("service/web"), std::string::npos) << all;
  EXPECT_EQ(env_->podctl({"get", "pod/db", "svc/web", "-o", "name"}).out, "pod/db\nservice/web\n");
  // Field selectors: a pod the node cannot take is Pending, with no node.
  ASSERT_EQ(env_->apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\nspec:\n  containers:\n  - name: c\n"
                        "    image: busybox:1.35\n    resources:\n      requests: {memory: 1000Gi}\n")
                .rc,
            0);
  EXPECT_EQ(env_->podctl({"get", "pods", "--field-selector", "status.phase!=Running", "-o", "name"}).out,
            "pod/huge\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "--field-selector", "spec.nodeName=localhost,metadata.name!=db", "-o",
                          "name"})
                .out,
            "pod/web-1\npod/web-2\n");
  EXPECT_EQ(env_->podctl({"get", "svc", "--field-selector", "metadata.name=web", "-o", "name"}).out, "service/web\n");
  RunResult bad = env_->podctl({"get", "svc", "--field-selector", "status.phase=Running"});
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("field label not supported: status.phase"), std::string::npos) << bad.err;
  ASSERT_EQ(env_->podctl({"delete", "pod", "huge"}).rc, 0);
  auto list = nlohmann::json::parse(env_->podctl({"get", "pods,svc", "-o", "json"}).out);
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"].size(), 4u);
  // kubectl's JSONPath, custom columns and sorting.
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "jsonpath={.items[*].metadata.name}"}).out, "db web-1 web-2");
  EXPECT_EQ(env_->podctl({"get", "pods", "-o",
                          "jsonpath={range .items[?(@.metadata.labels.app==\"web\")]}{.metadata.name}:"
                          "{.metadata.labels.tier}{\"\\n\"}{end}"})
                .out,
            "web-1:front\nweb-2:back\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-l", "app=web", "-o", "custom-columns=POD:.metadata.name,TIER:.metadata.labels.tier",
                          "--sort-by", ".metadata.labels.tier"})
                .out,
            "POD     TIER\nweb-2   back\nweb-1   front\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "custom-columns=NAME"}).rc, 2);
  // describe and get by what the manifests or a selector name.
  std::string described = env_->podctl({"describe", "pods", "-l", "app=web"}).out;
  EXPECT_NE(described.find("Name:             web-1"), std::string::npos) << described;
  EXPECT_NE(described.find("Name:             web-2"), std::string::npos) << described;
  EXPECT_EQ(described.find("Name:             db"), std::string::npos) << described;
  RunResult from_files = env_->podctl({"get", "-f", "-", "-o", "name"}, labelled_pod("db", "app: db", "sleep 600") +
                                                                           "---\n" + kService);
  EXPECT_EQ(from_files.out, "pod/db\nservice/web\n") << from_files.err;
  // Waits and deletes by selector.
  RunResult waited = env_->podctl({"wait", "pods", "-l", "app=web", "--for=condition=Ready"});
  EXPECT_EQ(waited.out, "pod/web-1 condition met\npod/web-2 condition met\n") << waited.err;
  EXPECT_EQ(env_->podctl({"wait", "pods", "--all", "--for=condition=Ready"}).rc, 0);
  RunResult deleted = env_->podctl({"delete", "pods", "-l", "app=web", "--now"});
  EXPECT_EQ(deleted.rc, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "pod \"web-1\" deleted\npod \"web-2\" deleted\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "name"}).out, "pod/db\n");
}

// kubectl delete --wait=false: the pod is Terminating when the command returns; its grace period
// and the cleanup go on without the user, and leave nothing behind.
TEST_F(Daily, DeleteWithoutWaitingReturnsAtOnceAndFinishesInTheBackground) {
  HostSnapshot before = HostSnapshot::take(env_->bridge());
  std::string pod = labelled_pod("slow", "app: slow", "trap '' TERM; while true; do sleep 1; done");
  pod.replace(pod.find("terminationGracePeriodSeconds: 0"), 32, "terminationGracePeriodSeconds: 4");
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, pod).rc, 0);
  RunResult missing = env_->podctl({"delete", "pod", "nope", "--wait=false"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.err, "error: pods \"nope\" not found\n");
  RunResult deleted = env_->podctl({"delete", "pod", "slow", "--wait=false"});
  EXPECT_EQ(deleted.rc, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "pod \"slow\" deleted\n");
  std::string listed = env_->podctl({"get", "pods"}).out;
  EXPECT_NE(listed.find("Terminating"), std::string::npos) << listed;
  RunResult gone = env_->podctl({"wait", "--for=delete", "pod/slow", "--timeout", "60s"});
  EXPECT_EQ(gone.rc, 0) << gone.err;
  EXPECT_EQ(env_->podctl({"get", "pods", "-o", "name"}).out, "");
  HostSnapshot after = HostSnapshot::take(env_->bridge());
  EXPECT_EQ(after.veths, before.veths);
  EXPECT_EQ(after.mounts, before.mounts);
}

TEST_F(Daily, TheLogsOfManyPodsAreMergedAndFollowedBehindPrefixes) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         labelled_pod("a", "app: x", "echo a1; sleep 1; echo a2; sleep 600") + "---\n" +
                             labelled_pod("b", "app: x", "sleep 0.5; echo b1; sleep 600") + "---\n" +
                             labelled_pod("other", "app: other", "echo nope; sleep 600"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "a"}).out == "a1\na2\n"; }));
  // Merged in the order written, whatever pod wrote it.
  EXPECT_EQ(env_->podctl({"logs", "-l", "app=x"}).out, "a/c | a1\nb/c | b1\na/c | a2\n");
  EXPECT_EQ(env_->podctl({"logs", "a", "b"}).out, "a/c | a1\nb/c | b1\na/c | a2\n");
  EXPECT_EQ(env_->podctl({"logs", "b", "c"}).out, "b1\n");  // b's own container c, as kubectl reads it
  // Following: a pod that appears is followed, one that goes away does not end the stream.
  RunResult followed;
  std::thread follower([&] {
    followed = podctl_for(*env_, 8, {"logs", "-f", "-l", "app=x", "--tail", "0"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(env_->podctl({"delete", "pod", "a", "--grace-period", "0"}).rc, 0);
  ASSERT_EQ(env_->apply(labelled_pod("late", "app: x", "echo late1; sleep 600")).rc, 0);
  follower.join();
  EXPECT_NE(followed.out.find("late/c | late1\n"), std::string::npos) << followed.out << followed.err;
  EXPECT_EQ(followed.out.find("nope"), std::string::npos) << followed.out;
  EXPECT_EQ(followed.out.find("a1"), std::string::npos) << followed.out;  // --tail 0: only what comes
}

// kubectl attach (no stdin): what the running process writes from now on, until it ends; not what
// it wrote before (that is `logs`), not its next run after a restart.
TEST_F(Daily, AttachFollowsTheRunningProcessUntilItEnds) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         labelled_pod("app", "app: a",
                                      "echo before; while [ ! -f /tmp/go ]; do sleep 0.1; done; rm /tmp/go; "
                                      "echo after1; sleep 0.3; echo after2 >&2; exit 3"))
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "app"}).out == "before\n"; }));
  RunResult attached;
  std::thread attacher([&] { attached = podctl_for(*env_, 30, {"attach", "pod/app"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_EQ(env_->podctl({"exec", "app", "--", "touch", "/tmp/go"}).rc, 0);
  attacher.join();
  EXPECT_EQ(attached.rc, 0) << attached.err;  // ended by the exit, not by the 30 s interrupt
  EXPECT_EQ(attached.out, "after1\nafter2\n");
  RunResult wrong = env_->podctl({"attach", "app", "-c", "nope"});
  EXPECT_EQ(wrong.rc, 1);
  EXPECT_EQ(wrong.err, "error: container nope is not valid for pod app\n");
  EXPECT_EQ(env_->podctl({"attach", "nope"}).err, "error: pods \"nope\" not found\n");
  RunResult interactive = env_->podctl({"attach", "app", "-it"});
  EXPECT_NE(interactive.rc, 0);
  EXPECT_NE(interactive.err.find("podctl exec -it app -- sh"), std::string::npos) << interactive.err;
}

// compose restart: the pod stops (its grace period) and starts again from its spec, in a fresh
// sandbox (its init containers run again), with the options apply gave it; a workload's pods are
// replaced by a rolling restart; a pod a ReplicaSet owns is replaced by its controller.
TEST_F(Daily, RestartStartsPodsAgainAsComposeRestartDoes) {
  std::string api = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n"
                    "  terminationGracePeriodSeconds: 0\n  initContainers:\n  - name: init\n    image: busybox:1.35\n"
                    "    command: [sh, -c, \"cat /proc/sys/kernel/random/uuid > /work/started\"]\n    volumeMounts:\n    - {name: w, mountPath: /work}\n"
                    "  containers:\n  - name: c\n    image: busybox:1.35\n    command: [sleep, \"600\"]\n"
                    "    volumeMounts:\n    - {name: w, mountPath: /work}\n  volumes:\n  - name: w\n    emptyDir: {}\n";
  std::string web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"
                    "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
                    "    spec:\n      terminationGracePeriodSeconds: 0\n      containers:\n      - name: c\n"
                    "        image: busybox:1.35\n        command: [sleep, \"600\"]\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s", "--restart-backoff", "1s:20s"}, api + "---\n" + web).rc, 0);
  std::string uid = env_->pod("api")["metadata"]["uid"];
  std::string started = env_->podctl({"exec", "api", "--", "cat", "/work/started"}).out;
  ASSERT_FALSE(started.empty());

  RunResult restarted = env_->podctl({"restart", "pod/api"});
  ASSERT_EQ(restarted.rc, 0) << restarted.err;
  EXPECT_EQ(restarted.out, "pod/api restarted\n");
  EXPECT_NE(restarted.err.find("pod/api: stopping it (grace period 0s), then starting it again"), std::string::npos)
      << restarted.err;
  ASSERT_EQ(env_->podctl({"wait", "pod/api", "--for=condition=Ready", "--timeout=30s"}).rc, 0);
  EXPECT_NE(env_->pod("api")["metadata"]["uid"], uid);
  RunResult again_run = env_->podctl({"exec", "api", "--", "cat", "/work/started"});
  std::string again = again_run.out;
  // Once in a CI run (1 in about 10 full suites) this came back empty: the exec's exit code, its
  // error and the pod's events say why, next time.
  EXPECT_FALSE(again.empty()) << "rc " << again_run.rc << ": " << again_run.err
                              << env_->podctl({"describe", "pod", "api"}).out;
  EXPECT_NE(again, started);  // the init container ran again (a new random id), in a new emptyDir
  json record = json::parse(std::ifstream(env_->root() + "/pods/default/api/pod.json"));
  EXPECT_EQ(record["options"]["restartBackoff"], "1s:20s");

  // A pod of the Deployment: deleted, and its ReplicaSet makes another.
  auto web_pods = [&] { return env_->podctl({"get", "pods", "-l", "app=web", "-o", "name"}).out; };
  std::string before = web_pods();
  std::string one = before.substr(0, before.find('\n'));
  ASSERT_EQ(env_->podctl({"restart", one}).rc, 0);
  EXPECT_TRUE(env_->eventually([&] {
    std::string now = web_pods();
    return now.find(one + "\n") == std::string::npos && std::count(now.begin(), now.end(), '\n') == 2;
  })) << web_pods();

  // The Deployment: every pod replaced by a rolling restart.
  before = web_pods();
  RunResult rolled = env_->podctl({"restart", "deployment/web"});
  ASSERT_EQ(rolled.rc, 0) << rolled.err;
  EXPECT_EQ(rolled.out, "deployment.apps/web restarted\n");
  ASSERT_EQ(env_->podctl({"rollout", "status", "deployment/web", "--timeout=60s"}).rc, 0);
  EXPECT_TRUE(env_->eventually([&] {
    std::string now = web_pods();
    std::istringstream names(before);
    for (std::string n; std::getline(names, n);)
      if (now.find(n + "\n") != std::string::npos) return false;
    return std::count(now.begin(), now.end(), '\n') == 2;
  })) << web_pods();
  // The same file applied again keeps the restart (kubectl apply merges what it never set).
  RunResult unchanged = env_->podctl({"diff", "-f", "-"}, web);
  EXPECT_EQ(unchanged.rc, 0) << unchanged.out;
  EXPECT_EQ(env_->podctl({"apply", "-f", "-"}, web).out, "deployment.apps/web unchanged\n");

  // By selector, and what cannot be restarted.
  RunResult by_label = env_->podctl({"restart", "-l", "app=api"});
  EXPECT_EQ(by_label.rc, 0) << by_label.err;
  EXPECT_EQ(by_label.out, "pod/api restarted\n");
  RunResult missing = env_->podctl({"restart", "nope"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.err, "error: pod/nope: pods \"nope\" not found\n");
  RunResult kind = env_->podctl({"restart", "configmap/x"});
  EXPECT_EQ(kind.rc, 2);
  EXPECT_NE(kind.err.find("only pods, deployments and statefulsets can be restarted"), std::string::npos) << kind.err;
}

// kubectl's generators: a ConfigMap from an env file, a Secret from a literal, a pod reading both;
// --dry-run -o yaml is a manifest that apply takes as it is.
TEST_F(Daily, CreateMakesConfigMapsAndSecretsFromLiteralsAndFiles) {
  std::string env_file = env_->root() + "-app.env";
  { std::ofstream(env_file) << "# settings\nMODE=dev\nLEVEL=3\n"; }
  RunResult cm = env_->podctl({"create", "configmap", "settings", "--from-env-file", env_file});
  ::unlink(env_file.c_str());
  ASSERT_EQ(cm.rc, 0) << cm.err;
  EXPECT_EQ(cm.out, "configmap/settings created\n");
  ASSERT_EQ(env_->podctl({"create", "secret", "generic", "db", "--from-literal=password=hunter2"}).rc, 0);
  json stored = json::parse(env_->podctl({"get", "secret", "db", "-o", "json"}).out);
  EXPECT_EQ(stored["data"]["password"], "aHVudGVyMg==");
  EXPECT_EQ(stored["type"], "Opaque");
  RunResult again = env_->podctl({"create", "cm", "settings", "--from-literal=a=b"});
  EXPECT_EQ(again.rc, 1);
  EXPECT_EQ(again.err, "error: failed to create configmap: configmaps \"settings\" already exists\n");

  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  terminationGracePeriodSeconds: 0\n"
                         "  containers:\n  - name: c\n    image: busybox:1.35\n    command: [sleep, \"600\"]\n"
                         "    envFrom:\n    - configMapRef: {name: settings}\n    env:\n    - name: PASSWORD\n"
                         "      valueFrom:\n        secretKeyRef: {name: db, key: password}\n")
                .rc,
            0);
  EXPECT_EQ(env_->podctl({"exec", "app", "--", "sh", "-c", "echo $MODE $LEVEL $PASSWORD"}).out, "dev 3 hunter2\n");

  RunResult manifest = env_->podctl({"create", "cm", "feature", "--from-literal=flag=on", "--dry-run", "-o", "yaml"});
  ASSERT_EQ(manifest.rc, 0) << manifest.err;
  EXPECT_EQ(manifest.out, "apiVersion: v1\ndata:\n  flag: \"on\"\nkind: ConfigMap\nmetadata:\n  name: feature\n");
  EXPECT_EQ(env_->podctl({"get", "cm", "feature"}).rc, 1);  // a dry run stores nothing
  RunResult applied = env_->podctl({"apply", "-f", "-"}, manifest.out);
  EXPECT_EQ(applied.out, "configmap/feature created\n") << applied.err;
  RunResult bad = env_->podctl({"create", "cm", "x", "--from-literal=bad key=1"});
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("\"bad key\" is not a valid key name"), std::string::npos) << bad.err;
}

// kubectl port-forward: a server that listens only on the pod's own loopback is reached from the
// host, through a pod, a Service (its port translated to the target port) or by a port's name;
// bytes arrive whole both ways; the forward ends with an error when the pod goes away.
TEST_F(Daily, PortForwardReachesThePodsLoopbackFromTheHost) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: h\n  labels: {app: h}\nspec:\n"
                         "  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: busybox:1.35\n"
                         "    command: [sh, -c, \"mkdir -p /www && echo hi > /www/index.html && "
                         "dd if=/dev/urandom of=/www/big bs=1024 count=3072 2>/dev/null && "
                         "exec httpd -f -p 127.0.0.1:8080 -h /www\"]\n    ports:\n    - {name: web, containerPort: 8080}\n"
                         "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: h\nspec:\n  selector: {app: h}\n"
                         "  ports:\n  - {name: http, port: 80, targetPort: web}\n")
                .rc,
            0);
  int by_pod = env_->host_port(0), by_name = env_->host_port(1), by_service = env_->host_port(2),
      refused = env_->host_port(3);
  auto forward = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "port-forward");
    return podctl_for(*env_, 8, args);
  };
  RunResult pod_forward, service_forward;
  std::thread pod_thread([&] {
    pod_forward = forward({"pod/h", std::to_string(by_pod) + ":8080", std::to_string(by_name) + ":web",
                           std::to_string(refused) + ":9"});
  });
  std::thread service_thread([&] { service_forward = forward({"svc/h", std::to_string(by_service) + ":80"}); });
  auto get = [](int port, const std::string& path) {
    return sh("curl -s --max-time 3 http://127.0.0.1:" + std::to_string(port) + path).out;
  };
  EXPECT_TRUE(env_->eventually([&] { return get(by_pod, "/") == "hi\n"; }, std::chrono::seconds(5)));
  EXPECT_EQ(get(by_name, "/"), "hi\n");
  EXPECT_EQ(get(by_service, "/"), "hi\n");
  // localhost is 127.0.0.1 and ::1, as with kubectl; a host without IPv6 keeps the IPv4 one alone.
  const bool ipv6 = sh("grep -q '^00000000000000000000000000000001 .* lo$' /proc/net/if_inet6").rc == 0;
  if (ipv6) {
    EXPECT_EQ(sh("curl -s --max-time 3 'http://[::1]:" + std::to_string(by_pod) + "/'").out, "hi\n");
  }
  std::string inside = env_->podctl({"exec", "h", "--", "sha256sum", "/www/big"}).out;
  std::string outside = sh("curl -s --max-time 5 http://127.0.0.1:" + std::to_string(by_pod) + "/big | sha256sum").out;
  ASSERT_GE(inside.size(), 64u) << inside;
  EXPECT_EQ(inside.substr(0, 64), outside.substr(0, 64));
  EXPECT_EQ(get(refused, "/"), "");  // nothing listens on port 9: that connection fails, the forward goes on
  EXPECT_EQ(get(by_pod, "/"), "hi\n");
  ASSERT_EQ(env_->podctl({"delete", "pod", "h", "--now"}).rc, 0);
  pod_thread.join();
  service_thread.join();
  EXPECT_NE(pod_forward.out.find("Forwarding from 127.0.0.1:" + std::to_string(by_pod) + " -> 8080\n"), std::string::npos)
      << pod_forward.out;
  EXPECT_EQ(pod_forward.out.find("Forwarding from [::1]:" + std::to_string(by_pod) + " -> 8080\n") != std::string::npos, ipv6)
      << pod_forward.out;
  EXPECT_NE(pod_forward.out.find("Handling connection for " + std::to_string(by_pod)), std::string::npos);
  EXPECT_NE(pod_forward.err.find("an error occurred forwarding " + std::to_string(refused) + " -> 9: connect to port 9"),
            std::string::npos)
      << pod_forward.err;
  EXPECT_NE(service_forward.out.find("Forwarding from 127.0.0.1:" + std::to_string(by_service) + " -> 8080\n"),
            std::string::npos)
      << service_forward.out;
  // The pod went away before the timeout: both end at once with kubectl's words.
  EXPECT_EQ(pod_forward.rc, 1);
  EXPECT_NE(pod_forward.err.find("lost connection to pod"), std::string::npos) << pod_forward.err;
  EXPECT_EQ(service_forward.rc, 1);
  RunResult missing = env_->podctl({"port-forward", "pod/h", "8080"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.err, "error: pods \"h\" not found\n");
  EXPECT_EQ(env_->podctl({"port-forward", "pod/h", "70000"}).rc, 2);
}

// exec -it as kubectl gives it: a terminal of the container's own devpts (tty names it, and the
// user's TERM and window size are there, the size following a resize), and the command's exit code.
TEST_F(Daily, ExecWithATerminalGetsARealTerminalInTheContainer) {
  ASSERT_EQ(env_->apply(labelled_pod("t", "app: t", "sleep 600")).rc, 0);
  ASSERT_EQ(env_->podctl({"wait", "pod/t", "--for=condition=Ready", "--timeout=30s"}).rc, 0);
  // Everything the child needs is built before the fork (only exec follows it).
  std::vector<std::string> args{PODCTL_BINARY, "--root", env_->root(), "--bridge", env_->bridge(), "--subnet",
                                env_->subnet(), "exec", "-it", "t", "--", "sh"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string term = "TERM=vt100", path = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {term.data(), path.data(), nullptr};
  winsize size{33, 111, 0, 0};
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execve(argv[0], argv.data(), envp);
    ::_exit(127);
  }
  std::string out;
  // Reads what the terminal shows until `want` is in it (or 10 s pass, or the command ends).
  auto read_until = [&](const std::string& want) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (out.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) return false;
      out.append(buf, static_cast<size_t>(n));
    }
    return out.find(want) != std::string::npos;
  };
  ASSERT_TRUE(read_until("# ")) << out;
  std::string line = "tty; echo T=$TERM; stty size\r";
  ASSERT_EQ(::write(master, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  EXPECT_TRUE(read_until("33 111")) << out;
  EXPECT_NE(out.find("/dev/pts/0"), std::string::npos) << out;
  EXPECT_NE(out.find("T=vt100"), std::string::npos) << out;
  size = {44, 122, 0, 0};
  ASSERT_EQ(::ioctl(master, TIOCSWINSZ, &size), 0);  // the kernel sends SIGWINCH to podctl
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  line = "stty size; exit 3\r";
  ASSERT_EQ(::write(master, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  EXPECT_TRUE(read_until("44 122")) << out;
  read_until("the end: read until the command is gone");
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(master);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << out;
}

// Two projects that both have a pod named db: without namespaces the second apply replaces the
// first's pod, and says so; with a .podctl file each project lives in its own namespace, and every
// command run in its directory finds its own pods.
TEST_F(Daily, ProjectsDoNotReplaceEachOthersPodsSilently) {
  namespace fs = std::filesystem;
  fs::path top = env_->root() + "-projects";
  fs::create_directories(top / "shop");
  fs::create_directories(top / "blog/manifests");
  { std::ofstream(top / "shop/db.yaml") << labelled_pod("db", "app: db", "echo shop; sleep 600"); }
  { std::ofstream(top / "blog/manifests/db.yaml") << labelled_pod("db", "app: db", "echo blog; sleep 600"); }
  auto in_dir = [&](const fs::path& dir, const std::string& args) {
    return sh("cd '" + dir.string() + "' && '" + PODCTL_BINARY + "' --root '" + env_->root() + "' --bridge " +
              env_->bridge() + " --subnet " + env_->subnet() + " --service-cidr " + env_->service_subnet() + " " + args);
  };
  RunResult shop = in_dir(top / "shop", "apply -f db.yaml");
  ASSERT_EQ(shop.rc, 0) << shop.err;
  EXPECT_EQ(shop.err, "");
  RunResult blog = in_dir(top / "blog", "apply -f manifests");
  ASSERT_EQ(blog.rc, 0) << blog.err;
  EXPECT_NE(blog.err.find("warning: pod/db was applied from " + fs::canonical(top / "shop/db.yaml").string() +
                          ", not from " + fs::canonical(top / "blog/manifests/db.yaml").string() + ": it is replaced"),
            std::string::npos)
      << blog.err;
  EXPECT_EQ(in_dir(top / "blog", "apply -f manifests").err, "");  // unchanged: nothing to warn of
  ASSERT_EQ(env_->podctl({"delete", "pod", "db", "--now"}).rc, 0);

  // A namespace per project: .podctl in the project's directory, seen from any directory below it.
  { std::ofstream(top / "shop/.podctl") << "namespace: shop\n"; }
  { std::ofstream(top / "blog/.podctl") << "namespace: blog\n"; }
  ASSERT_EQ(in_dir(top / "shop", "apply -f db.yaml --wait=60s").rc, 0);
  RunResult second = in_dir(top / "blog/manifests", "apply -f db.yaml --wait=60s");
  ASSERT_EQ(second.rc, 0) << second.err;
  EXPECT_EQ(second.err, "");
  EXPECT_EQ(in_dir(top / "shop", "get pods -o name").out, "pod/db\n");
  EXPECT_TRUE(env_->eventually([&] { return in_dir(top / "blog/manifests", "logs db").out == "blog\n"; }));
  EXPECT_EQ(in_dir(top / "shop", "logs db").out, "shop\n");
  EXPECT_EQ(env_->podctl({"get", "pods", "-A", "-o", "name"}).out, "pod/db\npod/db\n");
  EXPECT_EQ(in_dir(top / "shop", "-n blog logs db").out, "blog\n");  // -n wins
  { std::ofstream(top / "blog/.podctl") << "namespace: Blog\n"; }
  RunResult bad = in_dir(top / "blog", "get pods");
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find(fs::canonical(top / "blog/.podctl").string() + ": namespace: \"Blog\""), std::string::npos)
      << bad.err;
  ASSERT_EQ(env_->podctl({"delete", "namespace", "shop", "blog"}).rc, 0);
  fs::remove_all(top);
}

// get -w as kubectl's: the listing, then a line for each change as it happens (no "Unknown" while a
// pod is made or removed), the deleted object's last line; --watch-only -o name prints changes only.
TEST_F(Daily, GetWatchPrintsEachChangeAsItHappens) {
  auto watch = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    return podctl_for(*env_, 9, args);
  };
  ASSERT_EQ(env_->apply(labelled_pod("other", "app: other", "sleep 600")).rc, 0);
  RunResult table, names;
  std::thread table_thread([&] { table = watch({"pods", "-w", "-l", "app=w"}); });
  std::thread names_thread([&] { names = watch({"pods", "--watch-only", "-o", "name"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(env_->apply(labelled_pod("w", "app: w", "sleep 600")).rc, 0);
  ASSERT_EQ(env_->podctl({"wait", "pod/w", "--for=condition=Ready", "--timeout=30s"}).rc, 0);
  ASSERT_EQ(env_->podctl({"delete", "pod", "w"}).rc, 0);
  table_thread.join();
  names_thread.join();
  EXPECT_EQ(table.err, "No resources found in default namespace.\n");
  EXPECT_EQ(table.out.rfind("NAME   READY   STATUS", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("Running"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Terminating"), std::string::npos) << table.out;
  EXPECT_LT(table.out.find("Running"), table.out.find("Terminating")) << table.out;
  EXPECT_EQ(table.out.find("Unknown"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("other"), std::string::npos) << table.out;  // -l holds for the changes too
  // Only the pod that changed, never the one that did not; the header is not printed with -o name.
  EXPECT_NE(names.out.find("pod/w\n"), std::string::npos) << names.out;
  EXPECT_EQ(names.out.find("pod/other"), std::string::npos) << names.out;
  EXPECT_EQ(env_->podctl({"get", "pods,svc", "-w"}).rc, 2);
}

// kubectl top from the cgroups: a container that spins under a 200m limit uses about 200m, one that
// keeps 30Mi in /dev/shm has that working set; the node is the machine.
TEST_F(Daily, TopShowsWhatPodsUseFromTheirCgroups) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"},
                         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: burn\nspec:\n  terminationGracePeriodSeconds: 0\n"
                         "  containers:\n  - name: spin\n    image: busybox:1.35\n"
                         "    command: [sh, -c, \"while true; do :; done\"]\n    resources:\n      limits: {cpu: 200m}\n"
                         "  - name: mem\n    image: busybox:1.35\n"
                         "    command: [sh, -c, \"dd if=/dev/zero bs=1M count=30 2>/dev/null > /dev/shm/x; touch /tmp/ok; sleep 600\"]\n")
                .rc,
            0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"exec", "burn", "-c", "mem", "--", "test", "-f", "/tmp/ok"}).rc == 0; }));
  auto number = [](const std::string& cell) { return std::atoi(cell.c_str()); };
  RunResult containers = env_->podctl({"top", "pod", "burn", "--containers", "--no-headers"});
  ASSERT_EQ(containers.rc, 0) << containers.err;
  std::istringstream lines(containers.out);
  std::map<std::string, std::pair<int, int>> usage;  // container → (millicores, MiB)
  for (std::string pod, name, cpu, memory; lines >> pod >> name >> cpu >> memory;) usage[name] = {number(cpu), number(memory)};
  ASSERT_EQ(usage.size(), 2u) << containers.out;
  EXPECT_GE(usage["spin"].first, 50) << containers.out;  // on a busy machine it gets less than its limit
  EXPECT_LE(usage["spin"].first, 250) << containers.out;
  EXPECT_GE(usage["mem"].second, 28) << containers.out;
  RunResult pod = env_->podctl({"top", "pod"});
  EXPECT_EQ(pod.out.rfind("NAME   CPU(cores)   MEMORY(bytes)\nburn   ", 0), 0u) << pod.out;
  RunResult node = env_->podctl({"top", "node"});
  EXPECT_EQ(node.out.rfind("NAME        CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\nlocalhost   ", 0), 0u) << node.out;
  RunResult missing = env_->podctl({"top", "pod", "nope"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_EQ(missing.err, "error: pods \"nope\" not found\n");
}

// kubectl events: every pod's events of the namespace, newest last, by type and by pod; get events
// is the same list, -o json a List of core/v1 Events.
TEST_F(Daily, EventsListWhatHappenedToThePods) {
  ASSERT_EQ(env_->apply(labelled_pod("fine", "app: e", "sleep 600")).rc, 0);
  ASSERT_EQ(env_->apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: c\n"
                        "    image: busybox:1.35\n    command: [/no/such/binary]\n")
                .rc,
            0);
  ASSERT_EQ(env_->podctl({"wait", "pod/fine", "--for=condition=Ready", "--timeout=30s"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] { return env_->podctl({"events", "--types", "Warning"}).out.find("pod/broken") != std::string::npos; }));
  std::string all = env_->podctl({"events"}).out;
  EXPECT_EQ(all.rfind("LAST SEEN ", 0), 0u) << all;
  EXPECT_NE(all.find("Started"), std::string::npos) << all;
  EXPECT_NE(all.find("pod/fine"), std::string::npos) << all;
  std::string warnings = env_->podctl({"events", "--types", "Warning"}).out;
  EXPECT_EQ(warnings.find("pod/fine"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("Warning"), std::string::npos) << warnings;
  std::string one = env_->podctl({"get", "events", "--for", "pod/fine", "--no-headers"}).out;
  EXPECT_EQ(one.find("pod/broken"), std::string::npos) << one;
  EXPECT_NE(one.find("Successfully assigned default/fine to localhost"), std::string::npos) << one;
  json list = json::parse(env_->podctl({"get", "events", "-o", "json"}).out);
  ASSERT_FALSE(list["items"].empty());
  EXPECT_EQ(list["items"][0]["kind"], "Event");
  EXPECT_EQ(list["items"][0]["involvedObject"]["kind"], "Pod");
  EXPECT_EQ(env_->podctl({"events", "--for", "pod/nope"}).err, "error: pods \"nope\" not found\n");
  RunResult other = env_->podctl({"events", "-n", "empty"});
  EXPECT_EQ(other.err, "No events found in empty namespace.\n");
}

// bash completion as a user sources it: the root's own pod and container names at the Tab.
TEST_F(Daily, BashCompletionOffersTheRootsPodsAndContainers) {
  ASSERT_EQ(env_->apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: tabby\nspec:\n  terminationGracePeriodSeconds: 0\n"
                        "  containers:\n  - name: app\n    image: busybox:1.35\n    command: [sleep, \"600\"]\n"
                        "  - name: sidecar\n    image: busybox:1.35\n    command: [sleep, \"600\"]\n")
                .rc,
            0);
  std::string bin = PODCTL_BINARY;
  std::string env = "PATH='" + bin.substr(0, bin.rfind('/')) + "':$PATH PODCTL_ROOT='" + env_->root() + "' ";
  auto tab = [&](const std::string& words, int cword) {
    return sh(env + "bash -c 'source <(podctl completion bash); COMP_WORDS=(podctl " + words + "); COMP_CWORD=" +
              std::to_string(cword) + "; _podctl; printf \"%s\\n\" \"${COMPREPLY[@]}\"'")
        .out;
  };
  EXPECT_EQ(tab("exec ta", 2), "tabby\n");
  EXPECT_EQ(tab("logs tabby -c \"\"", 4), "app\nsidecar\n");
  EXPECT_EQ(tab("port-f", 1), "port-forward\n");
  EXPECT_EQ(env_->podctl({"completion", "fish"}).rc, 2);
}

// kubectl cp both ways, through the container's tar: a tree out (into an existing directory, links
// as links, no set-id bits), a file and a tree in; a missing path is the container's tar's error.
TEST_F(Daily, CpCopiesFilesOutOfAndIntoAContainer) {
  ASSERT_EQ(env_->apply(labelled_pod("box", "app: box", "mkdir -p /data/sub && echo one > /data/a && echo two > "
                                                         "/data/sub/b && ln -s a /data/link && chmod 4755 /data/a && "
                                                         "sleep 600")).rc,
            0);
  ASSERT_EQ(env_->podctl({"wait", "pod/box", "--for=condition=Ready", "--timeout=30s"}).rc, 0);
  namespace fs = std::filesystem;
  fs::path host = env_->root() + "-cp";
  fs::create_directories(host / "into");
  RunResult out = env_->podctl({"cp", "box:/data", (host / "copy").string()});
  ASSERT_EQ(out.rc, 0) << out.err;
  EXPECT_EQ(sh("cat '" + (host / "copy/a").string() + "' '" + (host / "copy/sub/b").string() + "'").out, "one\ntwo\n");
  EXPECT_EQ(fs::read_symlink(host / "copy/link").string(), "a");
  EXPECT_EQ(fs::status(host / "copy/a").permissions() & fs::perms::set_uid, fs::perms::none);
  ASSERT_EQ(env_->podctl({"cp", "pod/box:/data/sub/b", (host / "into").string()}).rc, 0);
  EXPECT_TRUE(fs::exists(host / "into/b"));
  { std::ofstream(host / "note.txt") << "from the host\n"; }
  RunResult in = env_->podctl({"cp", (host / "note.txt").string(), "box:/tmp/note.txt"});
  ASSERT_EQ(in.rc, 0) << in.err;
  EXPECT_EQ(env_->podctl({"exec", "box", "--", "cat", "/tmp/note.txt"}).out, "from the host\n");
  ASSERT_EQ(env_->podctl({"cp", (host / "copy").string(), "box:/tmp/tree"}).rc, 0);
  EXPECT_EQ(env_->podctl({"exec", "box", "--", "cat", "/tmp/tree/sub/b"}).out, "two\n");
  RunResult missing = env_->podctl({"cp", "box:/nope", (host / "x").string()});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_NE(missing.err.find("No such file or directory"), std::string::npos) << missing.err;
  EXPECT_EQ(env_->podctl({"cp", "a", "b"}).rc, 2);
  fs::remove_all(host);
}

}  // namespace
}  // namespace podctl::test
