#include <gtest/gtest.h>

#include "orchestrator/container/capabilities.h"
#include "orchestrator/container/container_config.h"
#include "tests/unit/manifest_test_util.h"

namespace podctl {
namespace {

using nlohmann::json;

Image image_with(json config) {
  Image i;
  i.config = std::move(config);
  return i;
}

// A namespace with one ConfigMap (app-config) and one Secret (db), and a pod at 10.0.0.5.
PodFacts facts() {
  PodFacts f;
  f.uid = "1234-uid";
  f.pod_ip = "10.0.0.5";
  f.host_ip = "10.0.0.1";
  f.lookup = [](const std::string& kind, const std::string& name) -> Result<json> {
    if (kind == "configmaps" && name == "app-config")
      return json{{"kind", "ConfigMap"}, {"data", {{"LOG_LEVEL", "debug"}, {"mode", "fast"}, {"bad key", "x"}}}};
    if (kind == "secrets" && name == "db") return json{{"kind", "Secret"}, {"data", {{"password", "czNjcjN0"}}}};
    return fail(Error{ENOENT, kind + " \"" + name + "\" not found"});
  };
  return f;
}

manifest::Pod pod_from(const std::string& container_yaml, const std::string& spec_extra = "") {
  auto r = test::load_yaml("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n" + spec_extra +
                               "  containers:\n  - name: app\n    image: busybox:1.35\n" + container_yaml,
                           false);
  EXPECT_TRUE(r.ok()) << test::errors_of(r);
  return test::only_pod(r);
}

TEST(ContainerConfig, CommandAndArgsFollowKubernetesRules) {
  json cfg{{"Entrypoint", {"/entry"}}, {"Cmd", {"default-arg"}}};
  auto run = [&](const std::string& yaml) {
    auto pod = pod_from(yaml);
    return make_container_config(pod, pod.spec.containers[0], image_with(cfg), "web", facts())->argv;
  };
  EXPECT_EQ(run(""), (std::vector<std::string>{"/entry", "default-arg"}));
  EXPECT_EQ(run("    args: [\"x\"]\n"), (std::vector<std::string>{"/entry", "x"}));
  EXPECT_EQ(run("    command: [\"/bin/sh\"]\n"), (std::vector<std::string>{"/bin/sh"}));
  EXPECT_EQ(run("    command: [\"/bin/sh\"]\n    args: [\"-c\", \"true\"]\n"),
            (std::vector<std::string>{"/bin/sh", "-c", "true"}));
}

TEST(ContainerConfig, NoCommandAnywhereIsAConfigError) {
  auto pod = pod_from("");
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("no command specified"), std::string::npos);
}

TEST(ContainerConfig, EnvExpansionUsesEarlierVariables) {
  auto pod = pod_from(R"y(    command: ["echo", "$(GREETING) $(MISSING) $$(ESCAPED)"]
    env:
    - name: NAME
      value: world
    - name: GREETING
      value: hello $(NAME)
)y");
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with({{"Env", {"PATH=/bin", "NAME=image"}}}),
                                   "web", facts());
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->argv[1], "hello world $(MISSING) $(ESCAPED)");
  EXPECT_EQ(cfg->env, (std::vector<std::string>{"PATH=/bin", "NAME=world", "HOSTNAME=web", "GREETING=hello world"}));
}

TEST(ContainerConfig, DefaultPathWhenTheImageHasNone) {
  auto pod = pod_from("    command: [\"true\"]\n");
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

TEST(ContainerConfig, UserComesFromContainerThenPod) {
  auto pod = pod_from(
      "    command: [\"true\"]\n    securityContext:\n      runAsUser: 1000\n",
      "  securityContext:\n    runAsUser: 500\n    runAsGroup: 600\n    supplementalGroups: [7]\n    fsGroup: 8\n");
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->uid, 1000u);
  EXPECT_EQ(cfg->gid, 600u);
  EXPECT_EQ(cfg->groups, (std::vector<gid_t>{7, 8}));
}

TEST(ContainerConfig, RunAsNonRootRefusesRoot) {
  auto pod = pod_from("    command: [\"true\"]\n    securityContext:\n      runAsNonRoot: true\n");
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("runAsNonRoot and image will run as root"), std::string::npos);
}

TEST(ContainerConfig, CapabilitiesStartFromTheRuntimeDefault) {
  auto caps = [&](const std::string& yaml) {
    auto pod = pod_from("    command: [\"true\"]\n" + yaml);
    return capability_names(
        make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts())->capabilities);
  };
  auto def = caps("");
  EXPECT_EQ(def.size(), 14u);
  EXPECT_EQ(std::count(def.begin(), def.end(), "CAP_SYS_ADMIN"), 0);
  EXPECT_EQ(std::count(def.begin(), def.end(), "CAP_NET_ADMIN"), 0);
  EXPECT_EQ(std::count(def.begin(), def.end(), "CAP_CHOWN"), 1);
  auto changed = caps("    securityContext:\n      capabilities:\n        add: [NET_ADMIN]\n        drop: [CHOWN]\n");
  EXPECT_EQ(std::count(changed.begin(), changed.end(), "CAP_NET_ADMIN"), 1);
  EXPECT_EQ(std::count(changed.begin(), changed.end(), "CAP_CHOWN"), 0);
  EXPECT_TRUE(caps("    securityContext:\n      capabilities:\n        drop: [ALL]\n").empty());
  EXPECT_GT(caps("    securityContext:\n      privileged: true\n").size(), 30u);
}

std::vector<std::string> env_of(const std::string& yaml) {
  auto pod = pod_from("    command: [\"true\"]\n" + yaml);
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  EXPECT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error().message);
  return cfg ? std::vector<std::string>(cfg->env.begin() + 2, cfg->env.end()) : std::vector<std::string>{};
}

std::string config_error(const std::string& yaml) {
  auto pod = pod_from("    command: [\"true\"]\n" + yaml);
  auto cfg = make_container_config(pod, pod.spec.containers[0], image_with(json::object()), "web", facts());
  return cfg ? "" : cfg.error().message;
}

TEST(ContainerEnv, ValueFromConfigMapsSecretsAndTheDownwardApi) {
  EXPECT_EQ(env_of(R"y(    env:
    - name: LEVEL
      valueFrom:
        configMapKeyRef: {name: app-config, key: LOG_LEVEL}
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
    - name: POD
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    - name: IP
      valueFrom:
        fieldRef: {fieldPath: status.podIP}
    - name: UID
      valueFrom:
        fieldRef: {fieldPath: metadata.uid}
    - name: MEM
      valueFrom:
        resourceFieldRef: {resource: limits.memory, divisor: 1Mi}
    - name: URL
      value: "http://$(IP):80/$(LEVEL)"
    resources:
      limits: {memory: 64Mi}
)y"),
            (std::vector<std::string>{"LEVEL=debug", "PASSWORD=s3cr3t", "POD=web", "IP=10.0.0.5", "UID=1234-uid",
                                      "MEM=64", "URL=http://10.0.0.5:80/debug"}));
}

TEST(ContainerEnv, EnvFromTakesEveryValidKeyWithItsPrefixBeforeEnv) {
  EXPECT_EQ(env_of(R"y(    envFrom:
    - configMapRef: {name: app-config}
      prefix: APP_
    - secretRef: {name: missing, optional: true}
    env:
    - name: APP_mode
      value: slow
)y"),
            (std::vector<std::string>{"APP_LOG_LEVEL=debug", "APP_mode=slow"}));
}

TEST(ContainerEnv, MissingReferencesAreConfigErrorsWithTheKubeletsWords) {
  EXPECT_EQ(config_error("    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef: {name: nope, key: k}\n"),
            "configmap \"nope\" not found");
  EXPECT_EQ(config_error("    env:\n    - name: A\n      valueFrom:\n        secretKeyRef: {name: db, key: user}\n"),
            "couldn't find key user in Secret default/db");
  EXPECT_EQ(config_error("    envFrom:\n    - secretRef: {name: gone}\n"), "secret \"gone\" not found");
  EXPECT_EQ(
      config_error(
          "    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef: {name: nope, key: k, optional: true}\n"),
      "");
}

}  // namespace
}  // namespace podctl

namespace podctl {
namespace {

TEST(ServiceLinks, TheKubeletsServiceVariablesAndDockerLinks) {
  std::vector<ServiceLink> services = {{"redis-primary", "10.96.0.11", {{"", 6379, "TCP"}}},
                                       {"web", "10.96.0.12", {{"http", 80, "TCP"}, {"dns", 53, "UDP"}}},
                                       {"headless", "None", {{"", 80, "TCP"}}}};
  std::map<std::string, std::string> env;
  for (const auto& e : service_link_env(services)) env[e.name] = e.value;
  EXPECT_EQ(env["REDIS_PRIMARY_SERVICE_HOST"], "10.96.0.11");
  EXPECT_EQ(env["REDIS_PRIMARY_SERVICE_PORT"], "6379");
  EXPECT_EQ(env["REDIS_PRIMARY_PORT"], "tcp://10.96.0.11:6379");
  EXPECT_EQ(env["REDIS_PRIMARY_PORT_6379_TCP"], "tcp://10.96.0.11:6379");
  EXPECT_EQ(env["REDIS_PRIMARY_PORT_6379_TCP_PROTO"], "tcp");
  EXPECT_EQ(env["REDIS_PRIMARY_PORT_6379_TCP_PORT"], "6379");
  EXPECT_EQ(env["REDIS_PRIMARY_PORT_6379_TCP_ADDR"], "10.96.0.11");
  EXPECT_EQ(env["WEB_SERVICE_PORT_HTTP"], "80");
  EXPECT_EQ(env["WEB_SERVICE_PORT_DNS"], "53");
  EXPECT_EQ(env["WEB_PORT_53_UDP"], "udp://10.96.0.12:53");
  EXPECT_EQ(env.count("HEADLESS_SERVICE_HOST"), 0u);  // no cluster IP, no variables
  EXPECT_EQ(env.size(), 7u + 13u);
}

}  // namespace
}  // namespace podctl

namespace podctl {
namespace {

TEST(ServiceAccount, DefaultedToDefaultAndSeenThroughTheDownwardApi) {
  const char* pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: b:1\n";
  auto loaded = test::load_yaml(pod);
  ASSERT_TRUE(loaded.ok()) << test::errors_of(loaded);
  PodFacts facts;
  EXPECT_EQ(field_ref_value(test::only_pod(loaded), facts, {"v1", "spec.serviceAccountName"}).value(), "default");
  auto named = test::load_yaml(std::string(pod).replace(std::string(pod).find("  containers"), 0,
                                                        "  serviceAccountName: builder\n"));
  ASSERT_TRUE(named.ok()) << test::errors_of(named);
  EXPECT_EQ(field_ref_value(test::only_pod(named), facts, {"v1", "spec.serviceAccountName"}).value(), "builder");
}

// Only a pod that reads ConfigMaps or Secrets gets its supervisor's inotify watch (closing one
// costs every delete an SRCU grace period).
TEST(ContainerEnv, APodReadsConfigSourcesThroughVolumesEnvAndEnvFrom) {
  EXPECT_FALSE(reads_config_sources(pod_from("    env:\n    - {name: A, value: b}\n")));
  EXPECT_FALSE(reads_config_sources(pod_from(
      "    env:\n    - name: IP\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}\n",
      "  volumes:\n  - {name: scratch, emptyDir: {}}\n")));
  EXPECT_TRUE(reads_config_sources(pod_from("    envFrom:\n    - configMapRef: {name: app-config}\n")));
  EXPECT_TRUE(reads_config_sources(
      pod_from("    env:\n    - name: P\n      valueFrom: {secretKeyRef: {name: db, key: password}}\n")));
  EXPECT_TRUE(reads_config_sources(pod_from("", "  volumes:\n  - {name: cfg, configMap: {name: app-config}}\n")));
  EXPECT_TRUE(reads_config_sources(pod_from("", "  volumes:\n  - {name: s, secret: {secretName: db}}\n")));
  EXPECT_TRUE(reads_config_sources(
      pod_from("", "  volumes:\n  - name: all\n    projected:\n      sources:\n      - configMap: {name: app-config}\n")));
  // An init container's reference counts as much as a regular one's.
  EXPECT_TRUE(reads_config_sources(pod_from(
      "", "  initContainers:\n  - name: init\n    image: busybox:1.35\n    command: [\"true\"]\n    envFrom:\n"
          "    - secretRef: {name: db}\n")));
}

}  // namespace
}  // namespace podctl

