// End to end: Deployments and ReplicaSets kept by their controller processes.
#include <signal.h>

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

// A web server that is ready once it listens; VERSION shows which template a pod runs.
std::string deployment_yaml(const std::string& name, int replicas, const std::string& version,
                            const std::string& strategy = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  replicas: " +
         std::to_string(replicas) + "\n  selector:\n    matchLabels:\n      app: " + name + "\n" + strategy +
         "  template:\n    metadata:\n      labels:\n        app: " + name +
         "\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n      - name: web\n"
         "        image: busybox:1.35\n        env:\n        - name: VERSION\n          value: \"" +
         version +
         "\"\n        command: [\"sh\", \"-c\", \"mkdir -p /www && echo $VERSION > /www/index.html && exec httpd -f -p "
         "8080 -h /www\"]\n        readinessProbe:\n          tcpSocket:\n            port: 8080\n"
         "          periodSeconds: 1\n";
}

class Workloads : public PodctlTest {
 protected:
  json pods() const { return json::parse(env_->podctl({"get", "pods", "-o", "json"}).out)["items"]; }
  json object(const std::string& type_name) const {
    RunResult r = env_->podctl({"get", type_name, "-o", "json"});
    return r.rc == 0 ? json::parse(r.out) : json();
  }
  // The names of the pods that run and are ready.
  std::set<std::string> ready_pods() const {
    std::set<std::string> out;
    for (const auto& p : pods())
      for (const auto& c : p["status"].value("conditions", json::array()))
        if (c["type"] == "Ready" && c["status"] == "True" && !p["metadata"].contains("deletionTimestamp"))
          out.insert(p["metadata"]["name"].get<std::string>());
    return out;
  }
  std::string version_of(const std::string& pod) const {
    return env_->podctl({"exec", pod, "--", "cat", "/www/index.html"}).out;
  }
  std::vector<pid_t> controller_pids() const {
    std::vector<pid_t> out;
    RunResult r = sh("cat " + env_->root() + "/controllers/*/*/*/controller.pid 2>/dev/null");
    std::istringstream in(r.out);
    pid_t pid;
    uint64_t start;
    while (in >> pid >> start)
      if (!process_gone(pid)) out.push_back(pid);
    return out;
  }
};

TEST_F(Workloads, ADeploymentRunsItsReplicasThroughAReplicaSetAndReplacesADeletedPod) {
  RunResult applied = env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1"));
  ASSERT_EQ(applied.rc, 0) << applied.err;
  EXPECT_NE(applied.out.find("deployment.apps/web created"), std::string::npos) << applied.out;
  EXPECT_NE(applied.out.find("deployment \"web\" successfully rolled out"), std::string::npos) << applied.out;

  json rs = object("rs")["items"];
  ASSERT_EQ(rs.size(), 1u);
  std::string hash = rs[0]["metadata"]["labels"]["pod-template-hash"];
  EXPECT_EQ(rs[0]["metadata"]["name"], "web-" + hash);
  EXPECT_EQ(rs[0]["metadata"]["ownerReferences"][0]["kind"], "Deployment");
  EXPECT_EQ(rs[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  auto names = ready_pods();
  ASSERT_EQ(names.size(), 2u);
  for (const auto& p : pods()) {
    EXPECT_TRUE(std::regex_match(p["metadata"]["name"].get<std::string>(),
                                 std::regex("web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}")));
    EXPECT_EQ(p["metadata"]["labels"]["pod-template-hash"], hash);
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["name"], "web-" + hash);
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["uid"], rs[0]["metadata"]["uid"]);
  }
  json d = object("deployment/web");
  EXPECT_EQ(d["status"]["availableReplicas"], 2);
  std::string row = env_->podctl({"get", "deploy", "--no-headers"}).out;
  EXPECT_TRUE(std::regex_match(row, std::regex("web +2/2 +2 +2 +[0-9]+s\n"))) << row;

  std::string victim = *names.begin();
  ASSERT_EQ(env_->podctl({"delete", "pod/" + victim, "--grace-period", "0"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] {
    auto now = ready_pods();
    return now.size() == 2 && !now.count(victim);
  }));
}

// The controllers' events, in their controllers' words: the Deployment scales its ReplicaSets, the
// ReplicaSet creates and deletes pods, the Job completes; events --for and describe show them.
TEST_F(Workloads, ControllersRecordTheirEventsAsKubernetesDoes) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1")).rc, 0);
  std::string set = object("rs")["items"][0]["metadata"]["name"];
  ASSERT_EQ(env_->podctl({"scale", "deploy/web", "--replicas=1"}).rc, 0);
  auto events_of = [&](const std::string& target) { return env_->podctl({"events", "--for", target}).out; };
  ASSERT_TRUE(env_->eventually([&] { return events_of("replicaset/" + set).find("Deleted pod: web-") != std::string::npos; }))
      << events_of("replicaset/" + set);
  std::string deployment = events_of("deployment/web");
  EXPECT_NE(deployment.find("ScalingReplicaSet   deployment/web   Scaled up replica set " + set + " from 0 to 2"),
            std::string::npos) << deployment;
  EXPECT_NE(deployment.find("Scaled down replica set " + set + " from 2 to 1"), std::string::npos) << deployment;
  std::string replica_set = events_of("rs/" + set);
  EXPECT_NE(replica_set.find("SuccessfulCreate   replicaset/" + set + "   Created pod: web-"), std::string::npos)
      << replica_set;
  std::string described = env_->podctl({"describe", "deployment/web"}).out;
  EXPECT_NE(described.find("Normal  ScalingReplicaSet"), std::string::npos) << described;
  // A pod's describe in kubectl's layout: its owner, priority, tolerations, aligned container fields.
  std::string pod = *ready_pods().begin();
  std::string pod_text = env_->podctl({"describe", "pod", pod}).out;
  for (const std::string& line : std::vector<std::string>{"Priority:         0\n", "Controlled By:    ReplicaSet/" + set + "\n",
                                  "IPs:\n  IP:  ", "Node-Selectors:   <none>\nTolerations:      <none>\n",
                                  "    Ready:          True\n    Restart Count:  0\n"})
    EXPECT_NE(pod_text.find(line), std::string::npos) << line << " in:\n" << pod_text;
  EXPECT_TRUE(std::regex_search(pod_text, std::regex("    State:          Running\n      Started:      "
                                                     "[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} \\+0000\n")))
      << pod_text;

  ASSERT_EQ(env_->apply("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n"
                        "      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox:1.35\n"
                        "        command: [\"true\"]\n")
                .rc,
            0);
  RunResult waited = env_->podctl({"wait", "job/once", "--for=condition=complete", "--timeout=60s"});
  ASSERT_EQ(waited.rc, 0) << waited.err;
  EXPECT_EQ(waited.out, "job.batch/once condition met\n");
  ASSERT_TRUE(env_->eventually([&] { return events_of("job/once").find("Completed") != std::string::npos; }));
  std::string job = events_of("job/once");
  EXPECT_NE(job.find("Created pod: once-"), std::string::npos) << job;
  EXPECT_NE(job.find("Normal   Completed          job/once   Job completed"), std::string::npos) << job;
  std::string job_pod = env_->podctl({"get", "pods", "-l", "job-name=once", "-o", "name"}).out;
  ASSERT_FALSE(job_pod.empty());
  std::string finished = env_->podctl({"describe", job_pod.substr(0, job_pod.size() - 1)}).out;
  EXPECT_NE(finished.find("    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n"
                          "      Started:      "),
            std::string::npos)
      << finished;
  EXPECT_NE(finished.find("Controlled By:    Job/once\n"), std::string::npos) << finished;
  json list = json::parse(env_->podctl({"events", "-o", "json"}).out);
  std::set<std::string> kinds;
  for (const auto& e : list["items"]) kinds.insert(e["involvedObject"]["apiVersion"].get<std::string>() + " " +
                                                   e["involvedObject"]["kind"].get<std::string>());
  EXPECT_TRUE(kinds.count("apps/v1 Deployment") && kinds.count("apps/v1 ReplicaSet") && kinds.count("batch/v1 Job") &&
              kinds.count("v1 Pod")) << list.dump();
  RunResult bad = env_->podctl({"events", "--for", "service/web"});
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("podctl keeps events for pods, deployments, replicasets, statefulsets and jobs"), std::string::npos)
      << bad.err;
}

TEST_F(Workloads, ARollingUpdateWithMaxUnavailableZeroKeepsEveryReplicaReady) {
  std::string strategy = "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 3, "v1", strategy)).rc, 0);
  auto before = ready_pods();
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, deployment_yaml("web", 3, "v2", strategy)).rc, 0);
  // Watched while it rolls: never fewer than 3 ready pods, never more than 4 pods in all.
  size_t fewest = 3, most = 0;
  bool done = env_->eventually(
      [&] {
        auto ready = ready_pods();
        fewest = std::min(fewest, ready.size());
        most = std::max(most, pods().size());
        for (const auto& p : ready)
          if (before.count(p)) return false;
        return ready.size() == 3;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(done);
  EXPECT_EQ(fewest, 3u);
  EXPECT_LE(most, 4u + 3u);  // terminating pods (1 s grace) linger a moment beside the 4 running
  for (const auto& p : ready_pods()) EXPECT_EQ(version_of(p), "v2\n") << p;
  RunResult status = env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 3, "v2", strategy));
  EXPECT_NE(status.out.find("deployment.apps/web unchanged"), std::string::npos) << status.out;
  json sets = object("rs")["items"];
  ASSERT_EQ(sets.size(), 2u);
  std::map<std::string, int> replicas_by_revision;
  for (const auto& rs : sets)
    replicas_by_revision[rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]] = rs["spec"]["replicas"];
  EXPECT_EQ(replicas_by_revision, (std::map<std::string, int>{{"1", 0}, {"2", 3}}));
  json d = object("deployment/web");
  EXPECT_EQ(d["status"]["updatedReplicas"], 3);
  EXPECT_EQ(d["status"]["conditions"][1]["reason"], "NewReplicaSetAvailable");
}

TEST_F(Workloads, RecreateStopsEveryOldPodBeforeAnyNewOneStarts) {
  std::string strategy = "  strategy:\n    type: Recreate\n";
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1", strategy)).rc, 0);
  auto before = ready_pods();
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, deployment_yaml("web", 2, "v2", strategy)).rc, 0);
  bool mixed = false;
  ASSERT_TRUE(env_->eventually(
      [&] {
        bool old_left = false, new_seen = false;
        for (const auto& p : pods()) (before.count(p["metadata"].value("name", "")) ? old_left : new_seen) = true;
        mixed |= old_left && new_seen;
        return !old_left && ready_pods().size() == 2;
      },
      std::chrono::seconds(60)));
  EXPECT_FALSE(mixed) << "a new pod started while an old one was still there";
}

TEST_F(Workloads, KilledControllersAndSupervisorsAreHealedByTheNextApply) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1")).rc, 0);
  // As after a reboot: every controller and one pod's supervisor killed.
  auto controllers = controller_pids();
  ASSERT_EQ(controllers.size(), 2u);  // the Deployment's and its ReplicaSet's
  for (pid_t pid : controllers) ::kill(pid, SIGKILL);
  std::string lost = pods()[0]["metadata"]["name"];
  json in = env_->inspect(lost);
  ::kill(in["supervisor"]["pid"].get<pid_t>(), SIGKILL);
  ASSERT_TRUE(env_->eventually([&] { return controller_pids().empty(); }));
  RunResult again = env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1"));
  ASSERT_EQ(again.rc, 0) << again.err;
  ASSERT_TRUE(env_->eventually([&] {
    auto ready = ready_pods();
    return ready.size() == 2 && !ready.count(lost) && pods().size() == 2;
  }));
  EXPECT_EQ(controller_pids().size(), 2u);
}

// As after a reboot: every podctl process of the root gone (controllers and pod supervisors, so
// every pod), and the root's nftables table too; the next apply brings the declared state back.
TEST_F(Workloads, AfterEveryPodctlProcessIsKilledApplyBringsEverythingBack) {
  std::string svc =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n"
      "  - port: 80\n    targetPort: 8080\n";
  std::string all = deployment_yaml("web", 2, "v1") + "---\n" + svc;
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, all).rc, 0);
  for (pid_t pid : controller_pids()) ::kill(pid, SIGKILL);
  for (const auto& p : pods()) ::kill(env_->inspect(p["metadata"]["name"])["supervisor"]["pid"].get<pid_t>(), SIGKILL);
  ASSERT_TRUE(env_->eventually([&] { return controller_pids().empty(); }));
  ASSERT_EQ(sh("nft delete table ip podctl_" + env_->bridge()).rc, 0);
  RunResult again = env_->podctl({"apply", "-f", "-", "--wait=60s"}, all);
  ASSERT_EQ(again.rc, 0) << again.err;
  ASSERT_TRUE(env_->eventually([&] { return ready_pods().size() == 2 && pods().size() == 2; }));
  std::string ip = object("svc/web")["spec"]["clusterIP"];
  ASSERT_TRUE(env_->eventually([&] {
    std::string page = sh("curl -s --max-time 2 http://" + ip + "/").out;
    return page == "v1\n";
  }));
}

TEST_F(Workloads, DeleteCascadesOrOrphans) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 2, "v1")).rc, 0);
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("api", 1, "v1")).rc, 0);
  RunResult orphaned = env_->podctl({"delete", "deployment", "api", "--cascade=orphan"});
  ASSERT_EQ(orphaned.rc, 0) << orphaned.err;
  EXPECT_EQ(orphaned.out, "deployment.apps \"api\" deleted\n");
  json rs = object("rs")["items"];
  ASSERT_EQ(rs.size(), 2u);
  for (const auto& r : rs)
    if (r["metadata"]["labels"]["app"] == "api") {
      EXPECT_FALSE(r["metadata"].contains("ownerReferences"));
    }
  EXPECT_EQ(ready_pods().size(), 3u);

  RunResult deleted = env_->podctl({"delete", "deploy/web"});
  ASSERT_EQ(deleted.rc, 0) << deleted.err;
  EXPECT_EQ(ready_pods().size(), 1u);  // the orphaned ReplicaSet's pod alone
  EXPECT_EQ(object("rs")["items"].size(), 1u);
  EXPECT_EQ(env_->podctl({"get", "deploy", "web"}).rc, 1);
  ASSERT_EQ(env_->podctl({"delete", "rs", "--all"}).rc, 0);
  EXPECT_TRUE(pods().empty());
  EXPECT_TRUE(controller_pids().empty());
}

TEST_F(Workloads, ScaleRolloutRestartUndoAndHistoryAsWithKubectl) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 1, "v1")).rc, 0);
  std::string first_set = object("rs")["items"][0]["metadata"]["name"];
  RunResult scaled = env_->podctl({"scale", "deployment/web", "--replicas=3"});
  ASSERT_EQ(scaled.rc, 0) << scaled.err;
  EXPECT_EQ(scaled.out, "deployment.apps/web scaled\n");
  ASSERT_EQ(env_->podctl({"rollout", "status", "deploy/web", "--timeout", "60s"}).rc, 0);
  auto before = ready_pods();
  EXPECT_EQ(before.size(), 3u);
  RunResult restarted = env_->podctl({"rollout", "restart", "deploy/web"});
  EXPECT_EQ(restarted.out, "deployment.apps/web restarted\n");
  RunResult status = env_->podctl({"rollout", "status", "deploy/web", "--timeout", "60s"});
  ASSERT_EQ(status.rc, 0) << status.err;
  EXPECT_NE(status.out.find("deployment \"web\" successfully rolled out"), std::string::npos) << status.out;
  for (const auto& p : ready_pods()) EXPECT_EQ(before.count(p), 0u) << p << " was not replaced";
  // Undo to revision 1: its ReplicaSet comes back with the next revision.
  ASSERT_EQ(env_->podctl({"rollout", "undo", "deploy/web", "--to-revision", "1"}).rc, 0);
  ASSERT_EQ(env_->podctl({"rollout", "status", "deploy/web", "--timeout", "60s"}).rc, 0);
  for (const auto& rs : object("rs")["items"])
    if (rs["metadata"]["name"] == first_set) {
      EXPECT_EQ(rs["spec"]["replicas"], 3);
      EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
    }
  EXPECT_EQ(env_->podctl({"rollout", "history", "deploy/web"}).out,
            "deployment.apps/web\nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n");
  EXPECT_EQ(env_->podctl({"rollout", "undo", "deploy/web", "--to-revision", "9"}).rc, 1);
}

// kubectl apply's merge: a file without `replicas` leaves the count scale set (kubectl's advice
// for autoscaled workloads); a file with one sets it.
TEST_F(Workloads, ReApplyingAFileWithoutReplicasKeepsTheScale) {
  std::string without = std::regex_replace(deployment_yaml("web", 1, "v1"), std::regex("  replicas: 1\n"), "");
  ASSERT_EQ(without.find("replicas"), std::string::npos);
  ASSERT_EQ(env_->podctl({"apply", "-f", "-", "--wait=60s"}, without).rc, 0);
  EXPECT_EQ(object("deploy/web")["spec"]["replicas"], 1);  // the default
  ASSERT_EQ(env_->podctl({"scale", "deploy/web", "--replicas=2"}).rc, 0);
  RunResult again = env_->podctl({"apply", "-f", "-"}, without);
  EXPECT_EQ(again.out, "deployment.apps/web unchanged\n") << again.err;
  EXPECT_EQ(object("deploy/web")["spec"]["replicas"], 2);
  RunResult diff = env_->podctl({"diff", "-f", "-"}, without);
  EXPECT_EQ(diff.rc, 0) << diff.out;
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, deployment_yaml("web", 3, "v1")).rc, 0);
  EXPECT_EQ(object("deploy/web")["spec"]["replicas"], 3);
  ASSERT_TRUE(env_->eventually([&] { return ready_pods().size() == 3; }, std::chrono::seconds(60)));
}

TEST_F(Workloads, AStatefulSetKeepsOrderedNamesHostnamesAndAClaimPerPod) {
  std::string sts = std::string(R"(apiVersion: v1
kind: Service
metadata:
  name: kv
spec:
  clusterIP: None
  selector:
    app: kv
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: kv
spec:
  serviceName: kv
  replicas: 3
  selector:
    matchLabels:
      app: kv
  template:
    metadata:
      labels:
        app: kv
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: kv
        image: busybox:1.35
        command: ["sh", "-c", "hostname >> /data/log; mkdir -p /www; cp /data/log /www/index.html; exec httpd -f -p 8080 -h /www"]
        readinessProbe:
          tcpSocket:
            port: 8080
          periodSeconds: 1
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 10Mi
)");
  RunResult up = env_->podctl({"apply", "-f", "-", "--wait=60s"}, sts);
  ASSERT_EQ(up.rc, 0) << up.err;
  EXPECT_NE(up.out.find("statefulset rolling update complete 3 pods"), std::string::npos) << up.out;
  // OrderedReady: each pod made once the one before it was ready.
  std::map<std::string, std::string> created;
  for (const auto& p : pods()) created[p["metadata"]["name"]] = p["metadata"]["creationTimestamp"];
  ASSERT_EQ(created.size(), 3u);
  EXPECT_LE(created["kv-0"], created["kv-1"]);
  EXPECT_LE(created["kv-1"], created["kv-2"]);
  json claims = object("pvc")["items"];
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[0]["metadata"]["name"], "data-kv-0");
  std::string described = env_->podctl({"describe", "sts", "kv"}).out;
  EXPECT_NE(described.find("Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), std::string::npos)
      << described;
  described = env_->podctl({"describe", "pvc/data-kv-0"}).out;
  EXPECT_NE(described.find("Status:        Bound\n"), std::string::npos) << described;
  EXPECT_NE(described.find("Used By:       kv-0\n"), std::string::npos) << described;
  // Stable network identity through the headless Service, from a pod of the set.
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"exec", "kv-0", "--", "timeout", "3", "wget", "-q", "-O", "-", "http://kv-2.kv:8080/"}).out ==
           "kv-2\n";
  }));
  // A deleted pod comes back under its name, with its claim's data.
  ASSERT_EQ(env_->podctl({"delete", "pod", "kv-1", "--grace-period", "0"}).rc, 0);
  ASSERT_TRUE(env_->eventually([&] {
    return env_->podctl({"exec", "kv-0", "--", "timeout", "3", "wget", "-q", "-O", "-", "http://kv-1.kv:8080/"}).out ==
           "kv-1\nkv-1\n";
  }));
  // Scaled down from the highest ordinal; the claims stay.
  ASSERT_EQ(env_->podctl({"scale", "sts/kv", "--replicas=1"}).out, "statefulset.apps/kv scaled\n");
  ASSERT_TRUE(env_->eventually([&] { return pods().size() == 1 && pods()[0]["metadata"]["name"] == "kv-0"; }));
  EXPECT_EQ(object("pvc")["items"].size(), 3u);
  ASSERT_EQ(env_->podctl({"delete", "sts", "kv"}).rc, 0);
  EXPECT_TRUE(pods().empty());
  EXPECT_EQ(object("pvc")["items"].size(), 3u);  // Retain, the default: claims outlive their set
}

TEST_F(Workloads, NamespacesAreObjectsAndDeletingOneRemovesWhatIsInIt) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n").out,
            "namespace/team created\n");
  ASSERT_EQ(env_->podctl({"-n", "team", "apply", "-f", "-", "--wait=60s"}, deployment_yaml("web", 1, "v1")).rc, 0);
  // A manifest of another namespace than -n is refused, as by kubectl.
  std::string other = deployment_yaml("api", 1, "v1");
  other.replace(other.find("  name: api\n"), 0, "");
  other.insert(other.find("spec:"), "  namespace: team\n");
  RunResult refused = env_->podctl({"-n", "elsewhere", "apply", "-f", "-"}, other);
  EXPECT_EQ(refused.rc, 2);
  EXPECT_NE(refused.err.find("the namespace from the provided object \"team\" does not match the namespace "
                             "\"elsewhere\". You must pass '--namespace=team' to perform this operation."),
            std::string::npos)
      << refused.err;
  std::string listed = env_->podctl({"get", "namespaces", "--no-headers"}).out;
  EXPECT_NE(listed.find("team"), std::string::npos) << listed;
  RunResult gone = env_->podctl({"delete", "namespace", "team"});
  ASSERT_EQ(gone.rc, 0) << gone.err;
  EXPECT_NE(gone.out.find("namespace \"team\" deleted"), std::string::npos);
  EXPECT_EQ(env_->podctl({"-n", "team", "get", "pods", "-o", "name"}).out, "");
  EXPECT_TRUE(controller_pids().empty());
  EXPECT_EQ(env_->podctl({"delete", "namespace", "default"}).rc, 1);
}

// The example stack (Deployments, Services, a ConfigMap and a Secret) as a user runs it, with its
// published port moved to this test's.
TEST_F(Workloads, TheExampleStackRunsAndItsServicesReachEachOtherByName) {
  std::string dir = env_->root() + "-stack";
  std::string port = std::to_string(env_->host_port());
  ASSERT_EQ(sh("mkdir -p " + dir + " && cp " + std::string(PODCTL_SOURCE_DIR) + "/examples/stack/*.yaml " + dir +
               " && sed -i 's/hostPort: 8080/hostPort: " + port + "/' " + dir + "/web.yaml")
                .rc,
            0);
  RunResult up = env_->podctl({"apply", "-f", dir, "--wait=90s"});
  ASSERT_EQ(up.rc, 0) << up.err;
  EXPECT_NE(up.out.find("deployment \"worker\" successfully rolled out"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("job \"migrate\" completed"), std::string::npos) << up.out;
  EXPECT_NE(env_->podctl({"logs", "job/migrate"}).out.find("schema ok: 3 records\n"), std::string::npos);
  // web's sidecar reads db through its Service; the page is published on the host.
  ASSERT_TRUE(env_->eventually([&] {
    return sh("curl -s --max-time 2 http://127.0.0.1:" + port + "/").out.find("carol 99") != std::string::npos;
  }));
  ASSERT_TRUE(env_->eventually(
      [&] { return env_->podctl({"logs", "deploy/worker"}).out.find("total 158") != std::string::npos; }));
  EXPECT_NE(env_->podctl({"describe", "deployment/worker"}).out.find("2 desired | 2 updated | 2 total | 2 available"),
            std::string::npos);
  std::string db = env_->podctl({"describe", "svc", "db"}).out;
  EXPECT_NE(db.find("TargetPort:        db/TCP"), std::string::npos) << db;
  EXPECT_NE(db.find(":5432\n"), std::string::npos) << db;  // its one endpoint
  RunResult down = env_->podctl({"delete", "-f", dir});
  EXPECT_EQ(down.rc, 0) << down.err;
  EXPECT_TRUE(pods().empty());
  EXPECT_TRUE(controller_pids().empty());
  EXPECT_EQ(sh("ls " + env_->root() + "/volumes/default").out, "");  // the claim's data went with it
  sh("rm -rf " + dir);
}

}  // namespace
}  // namespace podctl::test
