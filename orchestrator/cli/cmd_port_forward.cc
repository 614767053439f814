// podctl port-forward TYPE/NAME [LOCAL:]REMOTE… [--address A,…]: kubectl's port-forward. The
// listeners are the host's; each connection is relayed to the pod's own 127.0.0.1:REMOTE from
// inside its network namespace, so the port needs no hostPort, no Service and no route to the pod.
// A Service or a workload stands for one of its pods (ready first, as kubectl picks it); a
// Service's port is translated to that pod's target port.
#include <signal.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <iostream>

#include "base/process_identity.h"
#include "manifests/label_selector.h"
#include "manifests/service_spec.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/port_forward_spec.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/controllers/owned_pods.h"
#include "orchestrator/controllers/service_support.h"
#include "orchestrator/sandbox/port_forwarder.h"
#include "orchestrator/store/object_store.h"

namespace podctl {
namespace {

using nlohmann::json;

// The pod behind svc/NAME and the target port of each forwarded Service port.
Result<std::string> pod_of_service(const Invocation& inv, const std::string& name, std::vector<PortPair>& pairs) {
  RootPaths root{inv.global.root};
  PODCTL_ASSIGN_OR_RETURN(auto stored, get_object(root, "services", inv.global.ns, name));
  PODCTL_ASSIGN_OR_RETURN(auto typed, typed_object(stored));
  const auto& svc = std::get<manifest::Service>(typed);
  if (svc.selector.empty()) return fail(make_error("service/" + name + " has no selector: it has no pods to forward to"));
  manifest::LabelSelector selector;
  selector.match_labels = svc.selector;
  PODCTL_ASSIGN_OR_RETURN(auto pods, list_pod_records(root, inv.global.ns));
  std::vector<const PodRecord*> matching;
  for (const auto& p : pods) {
    auto labels = p.spec["metadata"].value("labels", json::object()).get<std::map<std::string, std::string>>();
    if (p.supervisor_alive && manifest::selector_matches(selector, labels)) matching.push_back(&p);
  }
  if (matching.empty()) return fail(make_error("service/" + name + " has no running pods"));
  std::stable_sort(matching.begin(), matching.end(),
                   [](const PodRecord* a, const PodRecord* b) { return observe_pod(*a).ready > observe_pod(*b).ready; });
  const PodRecord& pod = *matching.front();
  for (auto& pair : pairs) {
    auto port = std::find_if(svc.ports.begin(), svc.ports.end(), [&](const manifest::ServicePort& p) {
      return pair.remote_name.empty() ? p.port == pair.remote_port : p.name == pair.remote_name;
    });
    if (port == svc.ports.end())
      return fail(make_error("service/" + name + " does not have a service port " + pair.remote_text()));
    pair.remote_port = resolve_target_port(port->target_port, port->protocol, pod.spec);
    pair.remote_name.clear();
    if (pair.remote_port == 0)
      return fail(make_error("pod " + pod.name + " has no container port named " + port->target_port.text));
  }
  return pod.name;
}

// A remote port given by name is the pod's container port of that name.
Status resolve_named_ports(const PodRecord& pod, std::vector<PortPair>& pairs) {
  for (auto& pair : pairs) {
    if (pair.remote_name.empty()) continue;
    manifest::IntOrString named;
    named.is_string = true;
    named.text = pair.remote_name;
    pair.remote_port = resolve_target_port(named, "TCP", pod.spec);
    if (pair.remote_port == 0) return fail(make_error("pod " + pod.name + " does not have a named port '" + pair.remote_name + "'"));
    pair.remote_name.clear();
  }
  return {};
}

// A pidfd of the pod's pause process, checked to be that very process (its start time).
Result<UniqueFd> pause_of(const PodRecord& pod) {
  const json pause = pod.status.value("runtime", json::object()).value("pause", json::object());
  if (!pod.supervisor_alive || !pause.contains("pid"))
    return fail(make_error("pod " + pod.name + " is not running"));
  ProcessIdentity id{pause["pid"].get<pid_t>(), pause.value("startTime", uint64_t{0})};
  auto pidfd = pidfd_open_pid(id.pid);
  // Checked after the open: the pidfd then holds the process the identity names, or it is gone.
  if (!pidfd || !process_alive(id)) return fail(make_error("pod " + pod.name + " is not running"));
  return std::move(*pidfd);
}

Result<UniqueFd> stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return fail(sys_error("sigprocmask"));
  UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC));
  if (!fd) return fail(sys_error("signalfd"));
  return fd;
}

Result<std::string> target_pod(const Invocation& inv, std::vector<PortPair>& pairs) {
  const std::string& arg = inv.args[0];
  auto slash = arg.find('/');
  if (slash != std::string::npos && resource_kind(arg.substr(0, slash)) == "services") {
    std::string name = arg.substr(slash + 1);
    if (int rc = refuse_invalid_names("service", {name}); rc) return fail(make_error("invalid service name"));
    return pod_of_service(inv, name, pairs);
  }
  return pod_of(inv, arg);
}

}  // namespace

int cmd_port_forward(const Invocation& inv) {
  if (inv.args.size() < 2)
    return report_error("usage: podctl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT…", kExitUsage);
  std::vector<PortPair> pairs;
  for (size_t i = 1; i < inv.args.size(); ++i) {
    auto pair = parse_port_pair(inv.args[i]);
    if (!pair) return report_error(pair.error().message, kExitUsage);
    pairs.push_back(*pair);
  }
  auto addresses = parse_forward_addresses(inv.get<std::string>("address"));
  if (!addresses) return report_error(addresses.error().message, kExitUsage);
  auto pod_name = target_pod(inv, pairs);
  if (!pod_name) return report_error(pod_name.error().message);
  if (int bad = refuse_invalid_names("pod", {*pod_name})) return bad;
  auto pod = read_pod_record(RootPaths{inv.global.root}, inv.global.ns, *pod_name);
  if (!pod) return report_error("pods \"" + *pod_name + "\" not found");
  if (auto st = resolve_named_ports(*pod, pairs); !st) return report_error(st.error().message);
  auto pause = pause_of(*pod);
  if (!pause) return report_error(pause.error().message);
  auto stop = stop_signals();
  if (!stop) return report_error(stop.error().message);
  std::vector<ForwardedPort> ports;
  for (const auto& pair : pairs) {
    int local = pair.local_port;  // 0: the first address picks one, the others use the same
    size_t listening = 0;
    std::string failures;
    for (const auto& address : *addresses) {
      auto port = listen_on(address.ip, local, pair.remote_port);
      if (!port && !address.from_localhost) return report_error(port.error().message);
      if (!port) {  // kubectl: localhost needs one of its two addresses
        failures += (failures.empty() ? "" : "; ") + port.error().message;
        continue;
      }
      local = port->local_port;
      std::cout << "Forwarding from " << host_port(address.ip, local) << " -> " << pair.remote_port << std::endl;
      ports.push_back(std::move(*port));
      ++listening;
    }
    if (listening == 0)
      return report_error("unable to listen on any of the requested ports: " + failures);
  }
  ForwardEvents events;
  events.accepted = [](const ForwardedPort& p) { std::cout << "Handling connection for " << p.local_port << std::endl; };
  events.failed = [](const ForwardedPort& p, const std::string& why) {
    std::cerr << "error: an error occurred forwarding " << p.local_port << " -> " << p.remote_port << ": " << why
              << std::endl;
  };
  if (auto st = relay_into_pod(ports, pause->get(), stop->get(), events); !st)
    return report_error(st.error().message);
  return kExitOk;
}

void port_forward_options(po::options_description& d) {
  d.add_options()("address", po::value<std::string>()->default_value("localhost"),
                  "addresses to listen on, comma-separated (localhost: 127.0.0.1 and ::1; or IP addresses)");
}

}  // namespace podctl
