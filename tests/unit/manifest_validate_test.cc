// One valid and one invalid case for every validation rule; each invalid case asserts the exact
// "FILE:LINE:COL: field.path: reason" a user sees.
#include <gtest/gtest.h>

#include "tests/support/param_name.h"

#include "tests/unit/manifest_test_util.h"

namespace podctl::test {
namespace {

// The pod below with `line` inserted under the first container (6 spaces deep is its field level).
std::string pod_with(const std::string& container_extra, const std::string& spec_extra = "",
                     const std::string& name = "web") {
  return "apiVersion: v1\n"  // 1
         "kind: Pod\n"       // 2
         "metadata:\n"       // 3
         "  name: " +
         name +
         "\n"       // 4
         "spec:\n"  // 5
         + spec_extra +
         "  containers:\n"            // 6 (+ spec_extra lines)
         "  - name: main\n"           // 7
         "    image: busybox:1.35\n"  // 8
         + container_extra;           // 9…
}

// A Deployment; `spec_extra` goes under spec (2 spaces deep), `labels` are the template's.
std::string deployment_with(const std::string& spec_extra, const std::string& labels = "app: web",
                            const std::string& pod_extra = "") {
  return "apiVersion: apps/v1\n"      // 1
         "kind: Deployment\n"         // 2
         "metadata:\n"                // 3
         "  name: web\n"              // 4
         "spec:\n"                    // 5
         "  selector:\n"              // 6
         "    matchLabels:\n"         // 7
         "      app: web\n"           // 8
         "  template:\n"              // 9
         "    metadata:\n"            // 10
         "      labels:\n"            // 11
         "        " + labels + "\n"   // 12
         "    spec:\n"                // 13
         + pod_extra +                // (14…)
         "      containers:\n"        // 14
         "      - name: main\n"       // 15
         "        image: busybox:1.35\n"  // 16
         + spec_extra;                // 17…
}

struct Case {
  const char* title;
  std::string yaml;
  std::string expected;  // one line of the error output; "" = must load
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.title; }

class Validation : public ::testing::TestWithParam<Case> {};

TEST_P(Validation, ReportsExactlyWhereAndWhat) {
  const Case& c = GetParam();
  auto r = load_yaml(c.yaml, false);
  if (c.expected.empty()) {
    EXPECT_TRUE(r.ok()) << errors_of(r);
    return;
  }
  bool found = false;
  for (const auto& e : r.errors) found |= e == c.expected;
  EXPECT_TRUE(found) << "expected: " << c.expected << "\ngot:\n" << errors_of(r);
}

const Case kCases[] = {
    {"valid pod", pod_with(""), ""},
    {"pod name must be a DNS subdomain", pod_with("", "", "Web_1"),
     "pod.yaml:4:9: metadata.name: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
     "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"},
    {"pod name with dots is fine", pod_with("", "", "web.v1"), ""},
    {"namespace must be a DNS label",
     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: My.NS\nspec:\n  containers:\n  - name: a\n    "
     "image: b:1\n",
     "pod.yaml:5:14: metadata.namespace: \"My.NS\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
     "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
    {"container name must be a DNS label", pod_with("  - name: Side_car\n    image: busybox:1.35\n"),
     "pod.yaml:9:11: spec.containers[1].name: \"Side_car\": a lowercase RFC 1123 label must consist of lower case "
     "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or "
     "'123-abc')"},
    {"duplicate container names", pod_with("  - name: main\n    image: busybox:1.35\n"),
     "pod.yaml:9:11: spec.containers[1].name: \"main\" is already used by spec.containers[0]"},
    {"duplicate across init and app containers",
     pod_with("", "  initContainers:\n  - name: main\n    image: busybox:1.35\n"),
     "pod.yaml:10:11: spec.containers[0].name: \"main\" is already used by spec.initContainers[0]"},
    {"no containers", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: []\n",
     "pod.yaml:6:3: spec.containers: must have at least one container"},
    {"containers missing", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  restartPolicy: Never\n",
     "pod.yaml:6:3: spec.containers: required field is missing"},
    {"missing image", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n",
     "pod.yaml:7:5: spec.containers[0].image: required value"},
    {"image with whitespace", pod_with("  - name: b\n    image: \" busybox\"\n"),
     "pod.yaml:10:12: spec.containers[1].image: \" busybox\": must not have leading or trailing whitespace"},
    {"bad restartPolicy", pod_with("", "  restartPolicy: Sometimes\n"),
     "pod.yaml:6:18: spec.restartPolicy: unsupported value \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
     "\"Never\""},
    {"bad imagePullPolicy", pod_with("    imagePullPolicy: Often\n"),
     "pod.yaml:9:22: spec.containers[0].imagePullPolicy: unsupported value \"Often\": supported values: \"Always\", "
     "\"IfNotPresent\", \"Never\""},
    {"port out of range", pod_with("    ports:\n    - containerPort: 70000\n"),
     "pod.yaml:10:22: spec.containers[0].ports[0].containerPort: 70000: must be between 1 and 65535, inclusive"},
    {"port zero", pod_with("    ports:\n    - containerPort: 0\n"),
     "pod.yaml:10:22: spec.containers[0].ports[0].containerPort: 0: must be between 1 and 65535, inclusive"},
    {"hostPort out of range", pod_with("    ports:\n    - containerPort: 80\n      hostPort: 65536\n"),
     "pod.yaml:11:17: spec.containers[0].ports[0].hostPort: 65536: must be between 1 and 65535, inclusive"},
    {"bad protocol", pod_with("    ports:\n    - containerPort: 80\n      protocol: HTTP\n"),
     "pod.yaml:11:17: spec.containers[0].ports[0].protocol: unsupported value \"HTTP\": supported values: \"TCP\", "
     "\"UDP\", \"SCTP\""},
    {"port name too long", pod_with("    ports:\n    - containerPort: 80\n      name: a-very-long-port-name\n"),
     "pod.yaml:11:13: spec.containers[0].ports[0].name: \"a-very-long-port-name\": must be no more than 15 characters"},
    {"duplicate hostPort in a pod",
     pod_with("    ports:\n    - containerPort: 80\n      hostPort: 8080\n  - name: b\n    image: busybox:1.35\n    "
              "ports:\n    - containerPort: 81\n      hostPort: 8080\n"),
     "pod.yaml:16:17: spec.containers[1].ports[0].hostPort: 8080/TCP: already used by spec.containers[0].ports[0]"},
    {"missing containerPort", pod_with("    ports:\n    - name: http\n"),
     "pod.yaml:10:7: spec.containers[0].ports[0].containerPort: required field is missing"},
    {"string where an integer belongs", pod_with("    ports:\n    - containerPort: \"80\"\n"),
     "pod.yaml:10:22: spec.containers[0].ports[0].containerPort: must be an integer, not a string"},
    {"boolean env value must be quoted", pod_with("    env:\n    - name: DEBUG\n      value: true\n"),
     "pod.yaml:11:14: spec.containers[0].env[0].value: must be a string, not a boolean (quote it: \"true\")"},
    {"number env value must be quoted", pod_with("    env:\n    - name: PORT\n      value: 8080\n"),
     "pod.yaml:11:14: spec.containers[0].env[0].value: must be a string, not an integer (quote it: \"8080\")"},
    {"string where a list belongs", pod_with("    command: sh -c true\n"),
     "pod.yaml:9:14: spec.containers[0].command: must be a list of strings, not a string"},
    {"list where an object belongs", pod_with("    securityContext: [1]\n"),
     "pod.yaml:9:22: spec.containers[0].securityContext: must be an object, not a list"},
    {"bad env var name", pod_with("    env:\n    - name: 1BAD\n      value: x\n"),
     "pod.yaml:10:13: spec.containers[0].env[0].name: \"1BAD\": a valid environment variable name must consist of "
     "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"},
    {"value and valueFrom together",
     pod_with("    env:\n    - name: A\n      value: x\n      valueFrom:\n        fieldRef:\n          fieldPath: "
              "metadata.name\n"),
     "pod.yaml:12:7: spec.containers[0].env[0].valueFrom: may not be specified when `value` is not empty"},
    {"bad fieldRef path",
     pod_with("    env:\n    - name: A\n      valueFrom:\n        fieldRef:\n          fieldPath: spec.nope\n"),
     "pod.yaml:13:22: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: unsupported value \"spec.nope\": "
     "supported "
     "values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
     "\"spec.serviceAccountName\", "
     "\"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\", metadata.labels['<KEY>'], "
     "metadata.annotations['<KEY>']"},
    {"unknown field", pod_with("    imagePullPolicyy: Always\n"),
     "pod.yaml:9:5: spec.containers[0].imagePullPolicyy: unknown field \"imagePullPolicyy\" (did you mean "
     "\"imagePullPolicy\"?)"},
    {"unknown top-level field", pod_with("", "", "web") + "extra: 1\n", "pod.yaml:9:1: extra: unknown field \"extra\""},
    {"unsupported Kubernetes field", pod_with("", "  hostNetwork: true\n"),
     "pod.yaml:6:3: spec.hostNetwork: not supported by podctl"},
    {"server-set field",
     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  uid: x\nspec:\n  containers:\n  - name: a\n    image: b:1\n",
     "pod.yaml:5:3: metadata.uid: is set by podctl, not by the manifest: remove it"},
    {"duplicate YAML key", pod_with("    image: busybox:1.36\n"),
     "pod.yaml:9:5: spec.containers[0].image: duplicate field (also at line 8)"},
    {"unsupported kind", "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a\n",
     "pod.yaml:2:7: kind: kind \"DaemonSet\" is not supported by podctl: it reads Pod, ConfigMap, Secret, Service, "
     "PersistentVolumeClaim, Namespace (v1), Deployment, ReplicaSet, StatefulSet (apps/v1) and Job (batch/v1)"},
    {"deployment in v1", "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: a\n",
     "pod.yaml:1:13: apiVersion: \"v1\" is not a version of kind Deployment: use apiVersion: apps/v1"},
    {"wrong apiVersion", "apiVersion: v2\nkind: Pod\nmetadata:\n  name: a\n",
     "pod.yaml:1:13: apiVersion: \"v2\" is not a version of kind Pod: use apiVersion: v1"},
    {"missing kind", "apiVersion: v1\nmetadata:\n  name: a\n", "pod.yaml:1:1: kind: required field is missing"},
    {"document that is not an object", "- a\n- b\n", "pod.yaml:1:1: must be an object, not a list"},
    {"volumeMount names a missing volume", pod_with("    volumeMounts:\n    - name: data\n      mountPath: /data\n"),
     "pod.yaml:10:13: spec.containers[0].volumeMounts[0].name: volume \"data\" not found: it must be listed in "
     "spec.volumes"},
    {"volumeMount names an existing volume",
     pod_with("    volumeMounts:\n    - name: data\n      mountPath: /data\n") +
         "  volumes:\n  - name: data\n    emptyDir: {}\n",
     ""},
    {"duplicate volume names", pod_with("") + "  volumes:\n  - name: v\n  - name: v\n",
     "pod.yaml:11:11: spec.volumes[1].name: \"v\": duplicate volume name"},
    {"two volume sources",
     pod_with("") + "  volumes:\n  - name: v\n    emptyDir: {}\n    hostPath:\n      path: /tmp\n",
     "pod.yaml:10:5: spec.volumes[0]: may not specify more than 1 volume type"},
    {"bad hostPath type",
     pod_with("") + "  volumes:\n  - name: v\n    hostPath:\n      path: /tmp\n      type: Folder\n",
     "pod.yaml:13:13: spec.volumes[0].hostPath.type: unsupported value \"Folder\": supported values: \"\", "
     "\"DirectoryOrCreate\", \"Directory\", \"FileOrCreate\", \"File\", \"Socket\", \"CharDevice\", \"BlockDevice\""},
    {"unsupported volume type",
     pod_with("") + "  volumes:\n  - name: v\n    nfs:\n      server: x\n",
     "pod.yaml:11:5: spec.volumes[0].nfs: not supported by podctl"},
    {"bad quantity", pod_with("    resources:\n      limits:\n        memory: 12XB\n"),
     "pod.yaml:11:17: spec.containers[0].resources.limits.memory: \"12XB\": unable to parse quantity's suffix"},
    {"request above limit",
     pod_with("    resources:\n      limits:\n        cpu: 500m\n      requests:\n        cpu: \"1\"\n"),
     "pod.yaml:13:14: spec.containers[0].resources.requests.cpu: \"1\": must be less than or equal to cpu limit of "
     "500m"},
    {"unknown resource", pod_with("    resources:\n      limits:\n        gpu: 1\n"),
     "pod.yaml:11:14: spec.containers[0].resources.limits.gpu: unknown resource name \"gpu\" (supported: cpu, memory, "
     "and extended resources such as example.com/dongle)"},
    {"an extended resource is a whole number asked for by its limit",
     pod_with("    resources:\n      limits:\n        example.com/dongle: 1\n"), ""},
    {"an extended resource's request equals its limit",
     pod_with("    resources:\n      limits:\n        nvidia.com/gpu: 2\n      requests:\n        nvidia.com/gpu: 1\n"),
     "pod.yaml:13:25: spec.containers[0].resources.requests.nvidia.com/gpu: \"1\": must be equal to nvidia.com/gpu limit of 2"},
    {"an extended resource is not overcommitted",
     pod_with("    resources:\n      requests:\n        nvidia.com/gpu: 1\n"), "pod.yaml:9:5: spec.containers[0].resources.limits: Limit must be set for non overcommitable resources (nvidia.com/gpu)"},
    {"an extended resource is whole", pod_with("    resources:\n      limits:\n        example.com/dongle: 500m\n"),
     "pod.yaml:11:29: spec.containers[0].resources.limits.example.com/dongle: \"500m\": must be an integer"},
    {"pod-level resources", pod_with("", "  resources:\n    limits:\n      cpu: \"1\"\n      memory: 100Mi\n"), ""},
    {"pod-level resources are cpu and memory",
     pod_with("", "  resources:\n    limits:\n      example.com/dongle: 1\n"), "pod.yaml:8:27: spec.resources.limits.example.com/dongle: resource \"example.com/dongle\" is not supported at pod level (supported: cpu, memory)"},
    {"pod-level requests hold the containers'",
     pod_with("    resources:\n      requests:\n        memory: 200Mi\n",
              "  resources:\n    requests:\n      memory: 100Mi\n"),
     "pod.yaml:8:15: spec.resources.requests.memory: must be greater than or equal to aggregate container requests of 209715200"},
    {"no container is limited beyond the pod",
     pod_with("    resources:\n      limits:\n        cpu: \"2\"\n", "  resources:\n    limits:\n      cpu: \"1\"\n"), "pod.yaml:8:12: spec.resources.limits.cpu: must be greater than or equal to aggregate container requests of 2"},
    {"downwardAPI resourceFieldRef items",
     pod_with("", "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: cpu\n        resourceFieldRef:\n"
                  "          containerName: main\n          resource: limits.cpu\n          divisor: 1m\n"),
     ""},
    {"a volume's resourceFieldRef names its container",
     pod_with("", "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: cpu\n        resourceFieldRef:\n"
                  "          resource: limits.cpu\n"),
     "pod.yaml:11:9: spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName: Required value"},
    {"a volume's resourceFieldRef names a container of the pod",
     pod_with("", "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: cpu\n        resourceFieldRef:\n"
                  "          containerName: nope\n          resource: limits.cpu\n"),
     "pod.yaml:12:26: spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName: \"nope\": must be the name of one of the pod's containers"},
    {"a downwardAPI item has one reference",
     pod_with("", "  volumes:\n  - name: info\n    downwardAPI:\n      items:\n      - path: cpu\n"), "pod.yaml:10:9: spec.volumes[0].downwardAPI.items[0]: must specify one of: `fieldRef` or `resourceFieldRef`"},
    {"projected volume",
     pod_with("", "  volumes:\n  - name: all\n    projected:\n      defaultMode: 0440\n      sources:\n"
                  "      - configMap:\n          name: cfg\n      - secret:\n          name: creds\n          items:\n"
                  "          - {key: password, path: db/password}\n      - downwardAPI:\n          items:\n"
                  "          - {path: labels, fieldRef: {fieldPath: metadata.labels}}\n"),
     ""},
    {"a projection has one source",
     pod_with("", "  volumes:\n  - name: all\n    projected:\n      sources:\n      - configMap:\n          name: cfg\n"
                  "        secret:\n          name: creds\n"),
     "pod.yaml:10:9: spec.volumes[0].projected.sources[0]: must specify exactly one of: `configMap`, `secret` or `downwardAPI`"},
    {"a projection writes each path once",
     pod_with("", "  volumes:\n  - name: all\n    projected:\n      sources:\n      - configMap:\n          name: cfg\n"
                  "          items: [{key: a, path: x}]\n      - secret:\n          name: creds\n"
                  "          items: [{key: b, path: x}]\n"),
     "pod.yaml:15:34: spec.volumes[0].projected.sources[1].secret.items[0].path: \"x\": conflicting duplicate paths (also written by spec.volumes[0].projected.sources[0].configMap.items[0])"},
    {"no service account tokens",
     pod_with("", "  volumes:\n  - name: all\n    projected:\n      sources:\n      - serviceAccountToken:\n"
                  "          path: token\n"),
     "pod.yaml:11:11: spec.volumes[0].projected.sources[0].serviceAccountToken: not supported by podctl: there is no API server to issue service account tokens"},
    {"scheduling fields",
     pod_with("", "  nodeSelector:\n    kubernetes.io/os: linux\n  schedulerName: default-scheduler\n"
                  "  tolerations:\n  - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}\n"
                  "  - {operator: Exists}\n  affinity:\n    nodeAffinity:\n"
                  "      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
                  "        - matchExpressions:\n          - {key: cores, operator: Gt, values: [\"1\"]}\n"
                  "      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        preference:\n"
                  "          matchFields:\n          - {key: metadata.name, operator: In, values: [localhost]}\n"
                  "    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 100\n"
                  "        podAffinityTerm:\n          labelSelector: {matchLabels: {app: web}}\n"
                  "          topologyKey: kubernetes.io/hostname\n"
                  "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n"
                  "    whenUnsatisfiable: ScheduleAnyway\n    labelSelector: {matchLabels: {app: web}}\n"),
     ""},
    {"bad node selector operator",
     pod_with("", "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                  "        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: a, operator: Near}\n"),
     "pod.yaml:11:32: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: unsupported value \"Near\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""},
    {"Gt compares with one integer",
     pod_with("", "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                  "        nodeSelectorTerms:\n        - matchExpressions:\n          - {key: a, operator: Gt, values: [x]}\n"),
     "pod.yaml:11:36: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: must be specified single value when `operator` is 'Lt' or 'Gt' (an integer)"},
    {"a pod affinity term has a topology key",
     pod_with("", "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                  "      - labelSelector: {matchLabels: {app: db}}\n        topologyKey: \"\"\n"),
     "pod.yaml:10:22: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: can not be empty"},
    {"numeric tolerations compare integers",
     pod_with("", "  tolerations:\n  - {key: sla, operator: Gt, value: \"900\", effect: NoSchedule}\n"), ""},
    {"a numeric toleration's value is an integer",
     pod_with("", "  tolerations:\n  - {key: sla, operator: Lt, value: high}\n"),
     "pod.yaml:7:37: spec.tolerations[0].value: Invalid value: \"high\": must be an integer when `operator` is 'Gt' or "
     "'Lt'"},
    {"Exists tolerates any value", pod_with("", "  tolerations:\n  - {key: a, operator: Exists, value: b}\n"), "pod.yaml:7:24: spec.tolerations[0].operator: Invalid value: \"b\": value must be empty when `operator` is 'Exists'"},
    {"tolerationSeconds is for NoExecute",
     pod_with("", "  tolerations:\n  - {key: a, operator: Equal, value: b, tolerationSeconds: 30}\n"), "pod.yaml:7:5: spec.tolerations[0].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set"},
    {"maxSkew is positive",
     pod_with("", "  topologySpreadConstraints:\n  - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n"),
     "pod.yaml:7:15: spec.topologySpreadConstraints[0].maxSkew: 0: must be greater than zero"},
    {"probe without handler", pod_with("    livenessProbe:\n      periodSeconds: 5\n"),
     "pod.yaml:9:5: spec.containers[0].livenessProbe: must specify a handler type: one of exec, httpGet, tcpSocket, "
     "grpc"},
    {"probe with two handlers",
     pod_with("    readinessProbe:\n      tcpSocket:\n        port: 80\n      exec:\n        command: [\"true\"]\n"),
     "pod.yaml:9:5: spec.containers[0].readinessProbe: may not specify more than 1 handler type: one of exec, httpGet, "
     "tcpSocket, grpc"},
    {"liveness successThreshold must be 1",
     pod_with("    livenessProbe:\n      tcpSocket:\n        port: 80\n      successThreshold: 2\n"),
     "pod.yaml:12:25: spec.containers[0].livenessProbe.successThreshold: must be 1"},
    {"probe period must be positive",
     pod_with("    readinessProbe:\n      tcpSocket:\n        port: 80\n      periodSeconds: 0\n"),
     "pod.yaml:12:22: spec.containers[0].readinessProbe.periodSeconds: 0: must be between 1 and 2147483647, inclusive"},
    {"probe on a regular init container",
     pod_with("",
              "  initContainers:\n  - name: init\n    image: busybox:1.35\n    readinessProbe:\n      exec:\n        "
              "command: [\"true\"]\n"),
     "pod.yaml:9:5: spec.initContainers[0].readinessProbe: may not be set for init containers without "
     "restartPolicy=Always"},
    {"restartPolicy on an app container", pod_with("    restartPolicy: Always\n"),
     "pod.yaml:9:20: spec.containers[0].restartPolicy: may only be set on init containers (\"Always\" makes a "
     "sidecar)"},
    {"lifecycle hook with sleep", pod_with("    lifecycle:\n      preStop:\n        sleep:\n          seconds: 5\n"),
     ""},
    {"unknown capability", pod_with("    securityContext:\n      capabilities:\n        add: [NET_ADMN]\n"),
     "pod.yaml:11:15: spec.containers[0].securityContext.capabilities.add[0]: unknown capability \"NET_ADMN\" (write "
     "it "
     "as in NET_ADMIN)"},
    {"privileged without escalation",
     pod_with("    securityContext:\n      privileged: true\n      allowPrivilegeEscalation: false\n"),
     "pod.yaml:9:5: spec.containers[0].securityContext: cannot set `allowPrivilegeEscalation` to false and "
     "`privileged` to true"},
    {"negative runAsUser", pod_with("    securityContext:\n      runAsUser: -1\n"),
     "pod.yaml:10:18: spec.containers[0].securityContext.runAsUser: -1: must be between 0 and 2147483647, inclusive"},
    {"negative grace period", pod_with("", "  terminationGracePeriodSeconds: -5\n"),
     "pod.yaml:6:34: spec.terminationGracePeriodSeconds: -5: must be greater than or equal to 0"},
    {"bad hostname", pod_with("", "  hostname: My_Host\n"),
     "pod.yaml:6:13: spec.hostname: \"My_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
     "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
    {"bad hostAlias IP", pod_with("", "  hostAliases:\n  - ip: 300.1.1.1\n    hostnames: [db]\n"),
     "pod.yaml:7:9: spec.hostAliases[0].ip: \"300.1.1.1\": must be a valid IP address, (e.g. 10.9.8.7 or "
     "2001:db8::ffff)"},
    {"label value too long",
     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    app: " + std::string(64, 'x') +
         "\nspec:\n  containers:\n  - name: a\n    image: b:1\n",
     "pod.yaml:6:10: metadata.labels.app: \"" + std::string(64, 'x') + "\": must be no more than 63 characters"},
    {"configmap key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  \"bad key\": x\n",
     "pod.yaml:6:14: data.bad key: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' "
     "or '.'"},
    {"configmap binaryData must be base64",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbinaryData:\n  k: \"!!\"\n",
     "pod.yaml:6:6: binaryData.k: must be base64-encoded"},
    {"valid deployment", deployment_with("  replicas: 3\n  strategy:\n    type: Recreate\n"), ""},
    {"selector must match the template's labels", deployment_with("", "app: api"),
     "pod.yaml:11:7: spec.template.metadata.labels: {app=api}: `selector` does not match template `labels`"},
    {"template must restart Always", deployment_with("", "app: web", "      restartPolicy: Never\n"),
     "pod.yaml:14:22: spec.template.spec.restartPolicy: unsupported value \"Never\": supported values: \"Always\""},
    {"template errors have the template's path", deployment_with("        imagePullPolicy: Sometimes\n"),
     "pod.yaml:17:26: spec.template.spec.containers[0].imagePullPolicy: unsupported value \"Sometimes\": supported "
     "values: \"Always\", \"IfNotPresent\", \"Never\""},
    {"maxSurge and maxUnavailable both 0",
     deployment_with("  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n"),
     "pod.yaml:20:23: spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when `maxSurge` is 0"},
    {"a percentage needs its sign", deployment_with("  strategy:\n    rollingUpdate:\n      maxSurge: \"50\"\n"),
     "pod.yaml:19:17: spec.strategy.rollingUpdate.maxSurge: \"50\": a valid percent string must be a numeric string "
     "followed by an ending '%'"},
    {"rollingUpdate with Recreate", deployment_with("  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 1\n"),
     "pod.yaml:19:5: spec.strategy.rollingUpdate: may not be specified when strategy `type` is 'Recreate'"},
    {"valid service",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: "
     "80\n    targetPort: http\n",
     ""},
    {"service ports need names when there are several",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n  - port: 443\n",
     "pod.yaml:8:5: spec.ports[1].name: required value (a Service with several ports names each)"},
    {"unknown service type",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: Ingress\n  ports:\n  - port: 80\n",
     "pod.yaml:6:9: spec.type: unsupported value \"Ingress\": supported values: \"ClusterIP\", \"NodePort\", "
     "\"LoadBalancer\", \"ExternalName\""},
    {"an ExternalName Service",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n"
     "  externalName: db.example.com\n",
     ""},
    {"an ExternalName Service names its external name",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n",
     "pod.yaml:5:1: spec.externalName: Required value"},
    {"an ExternalName Service has no cluster IP",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n"
     "  externalName: db.example.com\n  clusterIP: 10.96.0.9\n",
     "pod.yaml:8:14: spec.clusterIP: may not be set for ExternalName services"},
    {"externalName is for ExternalName Services",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  externalName: db.example.com\n"
     "  ports:\n  - port: 80\n",
     "pod.yaml:6:17: spec.externalName: may only be set when `type` is 'ExternalName'"},
    {"node port out of range",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n"
     "    nodePort: 8080\n",
     "pod.yaml:9:15: spec.ports[0].nodePort: 8080: must be between 30000 and 32767, inclusive"},
    {"service port out of range",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 70000\n",
     "pod.yaml:7:11: spec.ports[0].port: 70000: must be between 1 and 65535, inclusive"},
    {"claim needs a size",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n",
     "pod.yaml:5:1: spec.resources.requests.storage: required value"},
    {"claim storage class of another provisioner",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n"
     "  storageClassName: gp2\n  resources:\n    requests:\n      storage: 1Gi\n",
     "pod.yaml:7:21: spec.storageClassName: unsupported value \"gp2\": supported values: \"\", \"standard\", "
     "\"local-path\""},
    {"job template must not restart Always",
     "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers:\n"
     "      - name: a\n        image: b:1\n",
     "pod.yaml:7:5: spec.template.spec.restartPolicy: unsupported value \"Always\": supported values: \"OnFailure\", "
     "\"Never\""},
    {"ownerReferences are podctl's",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  ownerReferences:\n  - apiVersion: v1\n    kind: x\n"
     "    name: owner\n    uid: z\n",
     "pod.yaml:5:3: metadata.ownerReferences: set by podctl's controllers on what they create; a manifest may not set "
     "it"},
};

INSTANTIATE_TEST_SUITE_P(Rules, Validation, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& p) { return test::param_name(p.param.title); });

TEST(ValidationAll, EveryErrorOfAFileIsReportedAtOnce) {
  auto r = load_yaml(
      pod_with("    imagePullPolicy: Often\n    ports:\n    - containerPort: 0\n    - containerPort: \"81\"\n",
               "  restartPolicy: No\n"));
  // Two type errors (restartPolicy reads as a boolean, as in Kubernetes) and two validation errors.
  EXPECT_EQ(r.errors.size(), 4u) << errors_of(r);
}

TEST(ValidationAll, FieldsWithoutBehaviourYetAreRejectedWhenApplying) {
  auto r = load_yaml(pod_with("    livenessProbe:\n      grpc:\n        port: 80\n"), true);
  ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
  EXPECT_EQ(r.errors[0], "pod.yaml:10:7: spec.containers[0].livenessProbe.grpc: not supported by podctl yet");
}

TEST(ValidationAll, ProbesAndHooksReachThePodOverPlainHttpOrTcpAtAnAddress) {
  EXPECT_TRUE(load_yaml(pod_with("    readinessProbe:\n      httpGet:\n        port: 80\n"), true).ok());
  EXPECT_TRUE(load_yaml(pod_with("    lifecycle:\n      preStop:\n        sleep:\n          seconds: 1\n"), true).ok());
  auto https =
      load_yaml(pod_with("    readinessProbe:\n      httpGet:\n        port: 80\n        scheme: HTTPS\n"), true);
  ASSERT_EQ(https.errors.size(), 1u) << errors_of(https);
  EXPECT_EQ(https.errors[0],
            "pod.yaml:12:17: spec.containers[0].readinessProbe.httpGet.scheme: not supported by podctl yet (HTTPS)");
  auto named = load_yaml(pod_with("    livenessProbe:\n      tcpSocket:\n        port: 80\n        host: db\n"), true);
  ASSERT_EQ(named.errors.size(), 1u) << errors_of(named);
  EXPECT_EQ(named.errors[0],
            "pod.yaml:12:15: spec.containers[0].livenessProbe.tcpSocket.host: must be an IPv4 address: "
            "podctl does not resolve host names in probes");
}

TEST(ValidationAll, SidecarInitContainersAreSupported) {
  EXPECT_TRUE(load_yaml(pod_with("", "  initContainers:\n  - name: init\n    image: busybox:1.35\n"), true).ok());
  EXPECT_TRUE(
      load_yaml(
          pod_with("", "  initContainers:\n  - name: proxy\n    image: busybox:1.35\n    restartPolicy: Always\n"),
          true)
          .ok());
}

}  // namespace
}  // namespace podctl::test
