// podctl-supervisor - the pod supervisor as a binary of its own, started by podctl (apply) for each
// pod. It links only what a supervisor uses (no registry client, no archive reader, no CLI) and
// only the shared libraries those need (--as-needed), so that each pod costs less memory.
//   podctl-supervisor --root R --namespace NS --report-fd N --restart-backoff I:M --log-max-size B
//                     --log-max-files N --pids-limit N --log-level L --podctl PATH NAME
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "orchestrator/store/root_paths.h"
#include "orchestrator/supervisor/supervisor.h"

int main(int argc, char** argv) {
  using namespace podctl;
  std::map<std::string, std::string> flags;
  std::string name;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && i + 1 < argc)
      flags[a.substr(2)] = argv[++i];
    else
      name = a;
  }
  for (const char* required : {"root", "namespace", "restart-backoff", "podctl"})
    if (!flags.count(required) || name.empty()) {
      std::fprintf(stderr, "podctl-supervisor is started by podctl apply (missing --%s or the pod name)\n", required);
      return 2;
    }
  if (!is_store_label(flags["namespace"]) || !is_store_name(name)) {
    std::fprintf(stderr, "podctl-supervisor: invalid pod name %s/%s\n", flags["namespace"].c_str(), name.c_str());
    return 2;
  }
  // stderr is supervisor.log (stdout is /dev/null): spdlog's default logger writes to stdout.
  spdlog::set_default_logger(spdlog::stderr_logger_st("supervisor"));
  spdlog::set_level(spdlog::level::from_str(flags.count("log-level") ? flags["log-level"] : "info"));
  SupervisorOptions o;
  o.root.root = flags["root"];
  o.ns = flags["namespace"];
  o.name = name;
  o.report_fd = flags.count("report-fd") ? std::atoi(flags["report-fd"].c_str()) : -1;
  auto backoff = plan::parse_backoff_policy(flags["restart-backoff"].c_str());
  if (!backoff) {
    std::fprintf(stderr, "bad --restart-backoff %s\n", flags["restart-backoff"].c_str());
    return 2;
  }
  o.backoff = *backoff;
  o.log_limits.max_bytes =
      flags.count("log-max-size") ? std::atoll(flags["log-max-size"].c_str()) : o.log_limits.max_bytes;
  o.log_limits.max_files =
      flags.count("log-max-files") ? std::atoi(flags["log-max-files"].c_str()) : o.log_limits.max_files;
  o.pids_limit = flags.count("pids-limit") ? std::atoll(flags["pids-limit"].c_str()) : 0;
  o.podctl_binary = flags["podctl"];
  std::string dir = o.podctl_binary.substr(0, o.podctl_binary.rfind('/'));
  o.pause_binary = dir + "/podctl-pause";
  try {
    return run_supervisor(o);
  } catch (const std::exception& e) {  // only before the loop starts: the loop catches its own
    std::fprintf(stderr, "podctl-supervisor: %s\n", e.what());
    return 1;
  }
}
