#include "orchestrator/cli/invocation.h"

#include "manifests/names.h"
#include "orchestrator/cli/project_file.h"
#include "orchestrator/pods/pod_ops.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

namespace podctl {
namespace {

void add_global_options(po::options_description& d) {
  d.add_options()("root", po::value<std::string>(), "state directory (env PODCTL_ROOT; default /var/lib/podctl)")(
      "bridge", po::value<std::string>(),
      "bridge for the root's pods, fixed at first use (env PODCTL_BRIDGE; default podctl0)")(
      "subnet", po::value<std::string>(), "pod subnet, fixed at first use (env PODCTL_SUBNET; default 10.91.0.0/16)")(
      "outbound", po::value<std::string>(),
      "true|false: pods reach addresses beyond the host (masquerade), fixed at first use (env PODCTL_OUTBOUND; default "
      "true)")("seccomp-default", po::value<std::string>(),
               "RuntimeDefault|Unconfined: the seccomp profile of containers that set none, fixed at first use (env "
               "PODCTL_SECCOMP_DEFAULT; default RuntimeDefault)")(
      "service-cidr", po::value<std::string>(),
      "the range of Services' cluster IPs, fixed at first use (env PODCTL_SERVICE_CIDR; default 10.96.0.0/16)")(
      "pod-name-hosts", po::value<std::string>(),
      "true|false: pods also find the pods of their namespace by bare name in /etc/hosts (podctl's old behaviour; "
      "a cluster has no such names), fixed at first use (env PODCTL_POD_NAME_HOSTS; default false)")(
      "namespace,n", po::value<std::string>(),
      "namespace (env PODCTL_NAMESPACE; default: the nearest .podctl file's, else \"default\")")(
      "log-level", po::value<std::string>(), "trace, debug, info, warn (default), error, off")("help,h", "show help");
}

// Global options that take a value, so that "--root DIR verb" does not read DIR as the verb.
const std::set<std::string> kValued = {"--root",      "--bridge", "--subnet",    "--outbound",  "--seccomp-default",
                                       "--namespace", "-n",       "--log-level", "--service-cidr", "--pod-name-hosts"};

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

void print_general_help(const std::vector<Verb>& verbs) {
  std::cout
      << "podctl runs Kubernetes Pods on this machine.\n\nUsage: podctl [global options] VERB [options]\n\nVerbs:\n";
  for (const auto& v : verbs) {
    if (v.hidden) continue;
    std::string name = v.name;
    std::cout << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << v.summary << "\n";
  }
  po::options_description d("Global options (before or after the verb)");
  add_global_options(d);
  std::cout
      << "\n"
      << d
      << "\nRun 'podctl VERB --help' for a verb's options. Exit codes: 0 ok, 1 failure, 2 invalid input or usage.\n";
}

}  // namespace

int report_error(const std::string& message, int code) {
  std::cerr << "error: " << message << "\n";
  return code;
}

namespace {
const std::vector<Verb>* g_verbs = nullptr;
}  // namespace

const std::vector<Verb>& registered_verbs() {
  static const std::vector<Verb> none;
  return g_verbs ? *g_verbs : none;
}

// Replaces this process with `helper` from this binary's directory; returns only on failure.
static int run_helper(const char* helper, char** argv) {
  std::string exe = std::filesystem::path(self_exe()).parent_path().string() + "/" + helper;
  std::cout << std::flush;
  ::execv(exe.c_str(), argv);
  return report_error(sys_error("run " + exe).message);
}

int run_cli(int argc, char** argv, const std::vector<Verb>& verbs) {
  g_verbs = &verbs;
  std::vector<std::string> before, after;
  bool dash = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!dash && a == "--")
      dash = true;
    else
      (dash ? after : before).push_back(a);
  }
  size_t verb_at = before.size();
  for (size_t i = 0; i < before.size(); ++i) {
    const std::string& a = before[i];
    if (a.empty() || a[0] != '-') {
      verb_at = i;
      break;
    }
    if (kValued.count(a)) ++i;
  }
  if (verb_at == before.size()) {
    for (const auto& a : before) {
      if (a == "--help" || a == "-h") {
        print_general_help(verbs);
        return kExitOk;
      }
      if (a == "--version") {
        std::cout << "podctl " << PODCTL_VERSION << "\n";
        return kExitOk;
      }
    }
    print_general_help(verbs);
    return kExitUsage;
  }
  const Verb* verb = nullptr;
  for (const auto& v : verbs)
    if (before[verb_at] == v.name) verb = &v;
  if (!verb) return report_error("unknown verb \"" + before[verb_at] + "\" (see podctl --help)", kExitUsage);
  if (verb->helper) return run_helper(verb->helper, argv);
  before.erase(before.begin() + static_cast<long>(verb_at));

  po::options_description global("Global options");
  add_global_options(global);
  po::options_description own(std::string("Options of ") + verb->name);
  if (verb->add_options) verb->add_options(own);
  po::options_description all;
  all.add(own).add(global);
  all.add_options()("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("args", -1);

  Invocation inv;
  inv.verb = verb->name;
  try {
    po::store(po::command_line_parser(before).options(all).positional(positional).run(), inv.vm);
    po::notify(inv.vm);
  } catch (const po::error& e) {
    return report_error(std::string(e.what()) + " (see podctl " + verb->name + " --help)", kExitUsage);
  }
  if (inv.vm.count("help")) {
    std::cout << "Usage: podctl " << verb->usage << "\n\n" << verb->summary << "\n\n" << own << "\n" << global;
    return kExitOk;
  }
  auto opt = [&](const char* name, const char* env, const std::string& fallback) {
    return inv.vm.count(name) ? inv.vm[name].as<std::string>() : env_or(env, fallback);
  };
  inv.global.root = opt("root", "PODCTL_ROOT", "/var/lib/podctl");
  inv.global.bridge = opt("bridge", "PODCTL_BRIDGE", "");
  // An empty name once quietly meant the default bridge, which may be another root's.
  if (inv.global.bridge.empty() && (inv.vm.count("bridge") || std::getenv("PODCTL_BRIDGE")))
    return report_error("--bridge (or PODCTL_BRIDGE) is empty: name a bridge, or leave it out for the root's",
                        kExitUsage);
  inv.global.subnet = opt("subnet", "PODCTL_SUBNET", "");
  inv.global.outbound = opt("outbound", "PODCTL_OUTBOUND", "");
  inv.global.seccomp_default = opt("seccomp-default", "PODCTL_SECCOMP_DEFAULT", "");
  inv.global.service_subnet = opt("service-cidr", "PODCTL_SERVICE_CIDR", "");
  inv.global.pod_name_hosts = opt("pod-name-hosts", "PODCTL_POD_NAME_HOSTS", "");
  inv.global.ns = opt("namespace", "PODCTL_NAMESPACE", "default");
  inv.global.ns_explicit = inv.vm.count("namespace") || std::getenv("PODCTL_NAMESPACE");
  if (!inv.global.ns_explicit) {
    // As kubectl's context namespace: a default, which a manifest's own namespace overrides.
    auto project = find_project_file(".");
    if (!project) return report_error(project.error().message, kExitUsage);
    if (*project) inv.global.ns = (*project)->ns;
  }
  inv.global.log_level = opt("log-level", "PODCTL_LOG_LEVEL", "warn");
  // A namespace is a directory of the store: checked before any verb builds a path with it.
  if (auto why = manifest::check_dns1123_label(inv.global.ns); !why.empty())
    return report_error("invalid namespace \"" + inv.global.ns + "\" (--namespace or PODCTL_NAMESPACE): " + why,
                        kExitUsage);
  if (inv.vm.count("args")) inv.args = inv.vm["args"].as<std::vector<std::string>>();
  inv.after_dash = after;
  auto level = spdlog::level::from_str(inv.global.log_level);
  if (level == spdlog::level::off && inv.global.log_level != "off")
    return report_error("--log-level: unknown level \"" + inv.global.log_level + "\"", kExitUsage);
  spdlog::set_level(level);
  return verb->run(inv);
}

}  // namespace podctl
