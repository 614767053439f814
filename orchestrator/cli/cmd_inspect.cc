// podctl inspect NAME: the pod's runtime facts as JSON (uid, IP, veth, pause pid, and for each
// container its host pid and namespace inodes): what `docker inspect` and `ls -l /proc/PID/ns` show.
#include <sys/stat.h>

#include <iostream>

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/output/json_path.h"
#include "orchestrator/store/json_file.h"

namespace podctl {
namespace {

nlohmann::json namespaces_of(pid_t pid) {
  nlohmann::json ns = nlohmann::json::object();
  for (const char* kind : {"net", "ipc", "uts", "pid", "mnt", "cgroup"}) {
    struct stat st {};
    std::string path = "/proc/" + std::to_string(pid) + "/ns/" + kind;
    if (::stat(path.c_str(), &st) == 0) ns[kind] = static_cast<uint64_t>(st.st_ino);
  }
  return ns;
}

}  // namespace

int cmd_inspect(const Invocation& inv) {
  if (inv.args.empty()) return report_error("usage: podctl inspect NAME", kExitUsage);
  if (int bad = refuse_invalid_names("pod", {inv.args[0]})) return bad;
  PodContext ctx = read_only_context(inv);
  auto r = read_pod_record(ctx.root, inv.global.ns, inv.args[0]);
  if (!r) return report_error("pods \"" + inv.args[0] + "\" not found");
  nlohmann::json runtime =
      r->status.is_object() ? r->status.value("runtime", nlohmann::json::object()) : nlohmann::json::object();
  nlohmann::json out{{"name", r->name},
                     {"namespace", r->ns},
                     {"uid", r->uid},
                     {"podIP", r->pod_ip},
                     {"bridge", ctx.net.bridge},
                     {"hostVeth", r->host_veth},
                     {"podInterface", "eth0"},
                     {"cgroup", r->cgroup},
                     {"supervisor", nullptr},
                     {"pause", nullptr},
                     {"containers", nlohmann::json::object()}};
  if (r->supervisor && r->supervisor_alive) out["supervisor"] = {{"pid", r->supervisor->pid}};
  if (r->supervisor_alive && runtime.contains("pause")) {
    pid_t pid = runtime["pause"]["pid"];
    out["pause"] = {{"pid", pid}, {"namespaces", namespaces_of(pid)}};
  }
  const nlohmann::json containers = runtime.value("containers", nlohmann::json::object());
  if (r->supervisor_alive)
    for (const auto& [name, c] : containers.items()) {
      pid_t pid = c["pid"];
      out["containers"][name] = {{"pid", pid},
                                 {"containerID", "podctl://" + c.value("containerID", "")},
                                 {"cgroup", c.value("cgroup", "")},
                                 {"logFile", c.value("logFile", "")},
                                 {"namespaces", namespaces_of(pid)}};
    }
  if (inv.has("output")) {
    std::string format = inv.get<std::string>("output");
    if (format.rfind("jsonpath=", 0) != 0) return report_error("inspect -o takes jsonpath='{…}'", kExitUsage);
    std::string why;
    auto value = json_path_value(out, format.substr(9), &why);
    if (!why.empty()) return report_error(why, kExitUsage);
    std::cout << value.value_or("");
    return kExitOk;
  }
  std::cout << json_text(out, 2) << "\n";
  return kExitOk;
}

void inspect_options(po::options_description& d) {
  d.add_options()("output,o", po::value<std::string>(), "jsonpath='{.containers.web.pid}': print one value");
}

}  // namespace podctl
