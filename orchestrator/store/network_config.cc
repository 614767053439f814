#include "orchestrator/store/network_config.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "base/files.h"

namespace podctl {

bool Ipv4Net::overlaps(const Ipv4Net& o) const {
  uint32_t m = prefix < o.prefix ? mask() : o.mask();
  return (address & m) == (o.address & m);
}

Result<Ipv4Net> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  auto bad = [&] { return fail(make_error("\"" + text + "\" is not an IPv4 subnet such as 10.91.0.0/16")); };
  if (slash == std::string::npos) return bad();
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return bad();
  int prefix = -1;
  try {
    size_t used = 0;
    prefix = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  // At least /8 and at most /29: a gateway plus a handful of pods.
  if (prefix < 8 || prefix > 29)
    return fail(make_error("subnet \"" + text + "\": the prefix length must be between 8 and 29"));
  Ipv4Net net{*ip, prefix};
  net.address = net.network();
  return net;
}

namespace {

Status check_same(const RootPaths& root, const char* flag, const std::string& asked, const Ipv4Net& have) {
  if (asked.empty()) return {};
  PODCTL_ASSIGN_OR_RETURN(auto net, parse_cidr(asked));
  if (net.address != have.address || net.prefix != have.prefix)
    return fail(make_error("root " + root.root + " uses " + flag + " " + NetworkConfig::cidr_text(have) + ", not " +
                           asked + " (use another --root for another one)"));
  return {};
}

}  // namespace

Result<NetworkConfig> load_network_config(const RootPaths& root, const NetworkRequest& request, bool create) {
  const std::string& bridge = request.bridge;
  const std::string& subnet = request.subnet;
  const std::string& outbound = request.outbound;
  const std::string& seccomp_default = request.seccomp_default;
  if (!outbound.empty() && outbound != "true" && outbound != "false")
    return fail(make_error("--outbound must be true or false, not \"" + outbound + "\""));
  if (!request.pod_name_hosts.empty() && request.pod_name_hosts != "true" && request.pod_name_hosts != "false")
    return fail(make_error("--pod-name-hosts must be true or false, not \"" + request.pod_name_hosts + "\""));
  if (!seccomp_default.empty() && seccomp_default != "RuntimeDefault" && seccomp_default != "Unconfined")
    return fail(make_error("--seccomp-default must be RuntimeDefault or Unconfined, not \"" + seccomp_default + "\""));
  NetworkConfig cfg;
  if (auto text = read_file(root.config())) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("bridge") || !j.contains("subnet"))
      return fail(make_error(root.config() + ": not a podctl network configuration"));
    cfg.bridge = j["bridge"].get<std::string>();
    PODCTL_ASSIGN_OR_RETURN(cfg.subnet, parse_cidr(j["subnet"].get<std::string>()));
    cfg.outbound = j.value("outbound", true);
    cfg.seccomp_default = j.value("seccompDefault", std::string("RuntimeDefault"));
    // Roots made before Services keep the default range.
    PODCTL_ASSIGN_OR_RETURN(cfg.service_subnet, parse_cidr(j.value("serviceSubnet", kDefaultServiceSubnet)));
    PODCTL_TRY(check_same(root, "--service-cidr", request.service_subnet, cfg.service_subnet));
    cfg.pod_name_hosts = j.value("podNameHosts", false);
    if (!request.pod_name_hosts.empty() && (request.pod_name_hosts == "true") != cfg.pod_name_hosts)
      return fail(make_error("root " + root.root + " was set up with --pod-name-hosts=" +
                             (cfg.pod_name_hosts ? "true" : "false") +
                             " (use another --root, or podctl system reset, to change it)"));
    if (!seccomp_default.empty() && seccomp_default != cfg.seccomp_default)
      return fail(make_error("root " + root.root + " was set up with --seccomp-default=" + cfg.seccomp_default +
                             " (use another --root, or podctl system reset, to change it)"));
    if (!outbound.empty() && (outbound == "true") != cfg.outbound)
      return fail(make_error("root " + root.root + " was set up with --outbound=" + (cfg.outbound ? "true" : "false") +
                             " (use another --root, or podctl system reset, to change it)"));
    if (!bridge.empty() && bridge != cfg.bridge)
      return fail(make_error("root " + root.root + " uses bridge \"" + cfg.bridge + "\", not \"" + bridge +
                             "\": pods of one root share one bridge (use another --root for another bridge)"));
    if (!subnet.empty()) {
      auto asked = parse_cidr(subnet);
      if (!asked) return fail(asked.error());
      if (asked->address != cfg.subnet.address || asked->prefix != cfg.subnet.prefix)
        return fail(make_error("root " + root.root + " uses subnet " + cfg.subnet_text() + ", not " + subnet +
                               " (use another --root for another subnet)"));
    }
    return cfg;
  }
  cfg.bridge = bridge.empty() ? kDefaultBridge : bridge;
  if (cfg.bridge.size() > 15)
    return fail(make_error("bridge name \"" + cfg.bridge + "\" is longer than 15 characters"));
  // A Linux interface name: no '/', no white space, not "." or "..".
  if (cfg.bridge == "." || cfg.bridge == ".." ||
      cfg.bridge.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
          std::string::npos)
    return fail(
        make_error("bridge name \"" + cfg.bridge + "\" is not an interface name (letters, digits, '_', '.', '-')"));
  PODCTL_ASSIGN_OR_RETURN(cfg.subnet, parse_cidr(subnet.empty() ? kDefaultSubnet : subnet));
  cfg.outbound = outbound != "false";
  if (!seccomp_default.empty()) cfg.seccomp_default = seccomp_default;
  PODCTL_ASSIGN_OR_RETURN(cfg.service_subnet,
                          parse_cidr(request.service_subnet.empty() ? kDefaultServiceSubnet : request.service_subnet));
  cfg.pod_name_hosts = request.pod_name_hosts == "true";
  if (cfg.service_subnet.overlaps(cfg.subnet))
    return fail(make_error("service range " + cfg.service_subnet_text() + " overlaps the pod subnet " +
                           cfg.subnet_text() + ": choose another with --service-cidr"));
  if (!create) return cfg;
  PODCTL_TRY(make_dirs(root.root, 0700));
  nlohmann::json j{{"bridge", cfg.bridge},
                   {"subnet", cfg.subnet_text()},
                   {"outbound", cfg.outbound},
                   {"seccompDefault", cfg.seccomp_default},
                   {"serviceSubnet", cfg.service_subnet_text()},
                   {"podNameHosts", cfg.pod_name_hosts}};
  PODCTL_TRY(write_file_atomic(root.config(), j.dump(2) + "\n"));
  return cfg;
}

}  // namespace podctl
