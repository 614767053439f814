#include "orchestrator/cli/exec_target.h"

#include <cstring>

#include "base/files.h"
#include "base/process_identity.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/store/network_config.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {
namespace {

// The seccomp filter the container runs under, which the command must run under too: the one its
// supervisor compiled and kept beside it, else (a pod started by an older podctl) compiled again
// from the stored spec and the root's default.
Result<SeccompProgram> container_filter(const Invocation& inv, const PodRecord& record, const std::string& name,
                                        uint64_t capabilities) {
  if (auto kept = read_file(record.paths.container_dir(name) + "/seccomp.bpf")) {
    if (kept->size() % sizeof(sock_filter) != 0) return fail(make_error("the container's seccomp filter is damaged"));
    SeccompProgram program(kept->size() / sizeof(sock_filter));
    std::memcpy(program.data(), kept->data(), kept->size());
    return program;
  }
  RootPaths root{inv.global.root};
  manifest::Pod pod;
  PODCTL_ASSIGN_OR_RETURN(pod, read_stored_spec(record.paths, record.ns));
  NetworkConfig net;
  PODCTL_ASSIGN_OR_RETURN(net, load_network_config(root, {}, false));
  for (const auto* list : {&pod.spec.containers, &pod.spec.init_containers})
    for (const auto& c : *list)
      if (c.name == name) {
        bool privileged = c.security_context && c.security_context->privileged.value_or(false);
        return container_seccomp(pod, c, privileged, capabilities, net.seccomp_default,
                                 {root.seccomp_dir(), root.seccomp_cache_dir()});
      }
  return fail(make_error("container \"" + name + "\" is not in the pod's spec"));
}

}  // namespace

Result<PreparedExec> prepare_exec(const Invocation& inv, const std::string& pod, const std::string& wanted) {
  auto record = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, pod);
  if (!record) return fail(make_error("pods \"" + pod + "\" not found"));
  if (!record->supervisor_alive) return fail(make_error("pod " + pod + " is not running (its supervisor is gone)"));
  std::string container =
      wanted.empty() ? record->spec["spec"]["containers"][0]["name"].get<std::string>() : wanted;
  bool known = false;
  for (const char* list : {"initContainers", "containers"})
    for (const auto& c : record->spec["spec"].value(list, nlohmann::json::array()))
      known |= c.value("name", "") == container;
  // kubectl's words for a name the pod does not have; "not running" is for one it has.
  if (!known) return fail(make_error("container " + container + " is not valid for pod " + pod));
  const auto procs =
      record->status.value("runtime", nlohmann::json::object()).value("containers", nlohmann::json::object());
  if (!procs.contains(container))
    return fail(make_error("container \"" + container + "\" in pod \"" + pod + "\" is not running"));
  pid_t pid = procs[container]["pid"].get<pid_t>();
  ProcessIdentity id{pid, procs[container]["startTime"].get<uint64_t>()};
  auto target = describe_container_process(pid);
  if (!target || !process_alive(id)) return fail(make_error("container \"" + container + "\" is not running"));
  target->cgroup = procs[container].value("cgroup", "");
  for (const auto& c : record->spec["spec"]["containers"])
    if (c["name"] == container && c.contains("workingDir")) target->working_dir = c["workingDir"];
  PODCTL_ASSIGN_OR_RETURN(target->seccomp, container_filter(inv, *record, container, target->bounding));
  PODCTL_ASSIGN_OR_RETURN(auto pidfd, pidfd_open_pid(pid));
  // Checked after the open: the pidfd holds the process the identity names, or it is gone.
  if (!process_alive(id)) return fail(make_error("container \"" + container + "\" is not running"));
  return PreparedExec{std::move(*target), std::move(pidfd)};
}

int prepare_exec_of_arg(const Invocation& inv, const std::string& pod_arg, PreparedExec& out) {
  auto pod = pod_of(inv, pod_arg);
  if (!pod) return report_error(pod.error().message, kExitUsage);
  if (int bad = refuse_invalid_names("pod", {*pod})) return bad;
  std::string container = inv.has("container") ? inv.get<std::string>("container") : "";
  if (!container.empty())
    if (int bad = refuse_invalid_names("container", {container})) return bad;
  auto prepared = prepare_exec(inv, *pod, container);
  if (!prepared) return report_error(prepared.error().message);
  out = std::move(*prepared);
  return kExitOk;
}

}  // namespace podctl
