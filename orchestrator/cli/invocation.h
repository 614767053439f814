// podctl - one command line, parsed: the verb, the global options and the verb's own options.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <string>
#include <vector>

namespace podctl {

namespace po = boost::program_options;

struct GlobalOptions {
  std::string root;             // --root / PODCTL_ROOT / /var/lib/podctl
  std::string bridge;           // --bridge / PODCTL_BRIDGE ("" = the root's, or podctl0)
  std::string subnet;           // --subnet / PODCTL_SUBNET ("" = the root's, or 10.91.0.0/16)
  std::string outbound;         // --outbound / PODCTL_OUTBOUND ("" = the root's, or true)
  std::string seccomp_default;  // --seccomp-default / PODCTL_SECCOMP_DEFAULT ("" = the root's, or RuntimeDefault)
  std::string service_subnet;   // --service-cidr / PODCTL_SERVICE_CIDR ("" = the root's, or 10.96.0.0/16)
  std::string pod_name_hosts;   // --pod-name-hosts / PODCTL_POD_NAME_HOSTS ("" = the root's, or false)
  std::string ns;               // -n / --namespace
  bool ns_explicit = false;     // given (flag or environment), not the default
  std::string log_level;        // --log-level
};

struct Invocation {
  std::string verb;
  GlobalOptions global;
  po::variables_map vm;
  std::vector<std::string> args;        // positional arguments
  std::vector<std::string> after_dash;  // everything after "--" (exec's command)
  bool has(const char* name) const { return vm.count(name) && !vm[name].defaulted(); }
  template <class T>
  T get(const char* name) const {
    return vm[name].as<T>();
  }
};

struct Verb {
  const char* name;
  const char* usage;  // "apply -f FILE|DIR|- [--dry-run]"
  const char* summary;
  std::function<void(po::options_description&)> add_options;
  std::function<int(const Invocation&)> run;
  bool hidden = false;  // started by podctl itself, not listed in the help
  // Run by another binary beside this one, with the same arguments: the image verbs and cp need
  // libcurl, libarchive and OpenSSL (about 40 shared libraries), which every other verb would
  // otherwise load and relocate at each start.
  const char* helper = nullptr;
};

// Exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_cli(int argc, char** argv, const std::vector<Verb>& verbs);
// The verbs run_cli was given (for completion).
const std::vector<Verb>& registered_verbs();

// Prints "error: MESSAGE" on stderr and returns `code`.
int report_error(const std::string& message, int code = kExitFailure);

}  // namespace podctl
