#include "netsetup/service_rules.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "netsetup/nat_rules.h"

namespace podctl::net {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string service_chain(const ServiceRules& s, size_t port) { return "svc_" + s.id + "_" + std::to_string(port); }

std::string endpoint_chain(const ServiceRules& s, size_t port, size_t k) {
  return "ep_" + s.id + "_" + std::to_string(port) + "_" + std::to_string(k);
}

// Named by the endpoint itself (as kube-proxy names its affinity sets), not by its place in the
// list: a client's entry then outlives changes to the other endpoints.
std::string affinity_set(const ServiceRules& s, size_t port, const ServiceEndpoint& ep) {
  std::string ip;
  for (char c : ep.ip) ip += c == '.' ? '_' : c;
  return "aff_" + s.id + "_" + std::to_string(port) + "_" + ip + "_" + std::to_string(ep.port);
}

// Whether `next` still has the affinity set of endpoint `ep` of port `i`, with the same timeout.
bool keeps_set(const ServiceRules& s, size_t i, const ServiceEndpoint& ep, const ServiceRules* next) {
  if (!next || next->affinity_timeout_seconds != s.affinity_timeout_seconds || i >= next->ports.size()) return false;
  const auto& eps = next->ports[i].endpoints;
  return std::find(eps.begin(), eps.end(), ep) != eps.end();
}

std::string map_key(const ServiceRules& s, const ServicePortRules& p) {
  return s.cluster_ip + " . " + lower(p.protocol) + " . " + std::to_string(p.port);
}

std::string node_key(const ServicePortRules& p) { return lower(p.protocol) + " . " + std::to_string(p.node_port); }

// Everything of `s` that may exist, for removal: its map elements, chains, and the affinity sets
// that `next` (what replaces it, if anything) does not keep.
std::string removal(const std::string& table, const ServiceRules& s, const ServiceRules* next) {
  std::string out;
  for (size_t i = 0; i < s.ports.size(); ++i) {
    out += "delete element ip " + table + " services { " + map_key(s, s.ports[i]) + " }\n";
    if (s.ports[i].node_port) out += "delete element ip " + table + " nodeports { " + node_key(s.ports[i]) + " }\n";
    out += "flush chain ip " + table + " " + service_chain(s, i) + "\n";
    out += "delete chain ip " + table + " " + service_chain(s, i) + "\n";
    for (size_t k = 0; k < s.ports[i].endpoints.size(); ++k) {
      out += "delete chain ip " + table + " " + endpoint_chain(s, i, k) + "\n";
      const auto& ep = s.ports[i].endpoints[k];
      if (s.affinity_timeout_seconds > 0 && !keeps_set(s, i, ep, next))
        out += "delete set ip " + table + " " + affinity_set(s, i, ep) + "\n";
    }
  }
  return out;
}

std::string installation(const std::string& table, const ServiceRules& s) {
  std::string out;
  const std::string t = "ip " + table + " ";
  for (size_t i = 0; i < s.ports.size(); ++i) {
    const auto& p = s.ports[i];
    std::string svc = service_chain(s, i);
    out += "add chain " + t + svc + "\n";
    std::string vmap;
    for (size_t k = 0; k < p.endpoints.size(); ++k) {
      const auto& ep = p.endpoints[k];
      std::string chain = endpoint_chain(s, i, k);
      out += "add chain " + t + chain + "\n";
      if (s.affinity_timeout_seconds > 0) {
        std::string set = affinity_set(s, i, ep);
        out += "add set " + t + set + " { type ipv4_addr; flags dynamic,timeout; timeout " +
               std::to_string(s.affinity_timeout_seconds) + "s; }\n";
        out += "add rule " + t + svc + " ip saddr @" + set + " goto " + chain + "\n";
        out += "add rule " + t + chain + " update @" + set + " { ip saddr }\n";
      }
      out += "add rule " + t + chain + " meta l4proto " + lower(p.protocol) + " dnat ip to " + ep.ip + ":" +
             std::to_string(ep.port) + "\n";
      vmap += (k ? ", " : "") + std::to_string(k) + " : goto " + chain;
    }
    if (!p.endpoints.empty())
      out += "add rule " + t + svc + " numgen random mod " + std::to_string(p.endpoints.size()) + " vmap { " + vmap +
             " }\n";
    out += "add element " + t + "services { " + map_key(s, p) + " : goto " + svc + " }\n";
    if (p.node_port) out += "add element " + t + "nodeports { " + node_key(p) + " : goto " + svc + " }\n";
  }
  return out;
}

}  // namespace

namespace {

// Roots made before NodePorts have the services map without this one.
Status ensure_node_ports(const std::string& table) {
  if (run_nft("list map ip " + table + " nodeports")) return {};
  const std::string t = "ip " + table + " ";
  std::string script = "add map " + t + "nodeports { type inet_proto . inet_service : verdict; }\n" +
                       "add chain " + t + "nodeports\n" + "add rule " + t +
                       "nodeports fib daddr type local meta l4proto . th dport vmap @nodeports\n" +
                       "insert rule " + t + "prerouting jump nodeports\n" + "insert rule " + t +
                       "output jump nodeports\n";
  if (auto r = run_nft(script); !r) return fail(r.error());
  return {};
}

}  // namespace

Status ensure_service_chains(const std::string& bridge, const std::string& service_subnet) {
  std::string table = nat_table_name(bridge);
  if (run_nft("list map ip " + table + " services")) return ensure_node_ports(table);
  const std::string t = "ip " + table + " ";
  // Before hostports: a cluster IP is never a local address, so the order only saves a lookup.
  std::string script =
      "add map " + t + "services { type ipv4_addr . inet_proto . inet_service : verdict; }\n" +
      "add chain " + t + "services\n" +
      "add rule " + t + "services ip daddr . meta l4proto . th dport vmap @services\n" +
      "insert rule " + t + "prerouting jump services\n" +
      "insert rule " + t + "output jump services\n" +
      // After DNAT, a packet still addressed to the range found no endpoint: refused here, as
      // kube-proxy's filter rules do, instead of following the default route out of the host.
      "add chain " + t + "service_reject_forward { type filter hook forward priority 0; policy accept; }\n" +
      "add rule " + t + "service_reject_forward ip daddr " + service_subnet +
      " meta l4proto tcp reject with tcp reset\n" + "add rule " + t + "service_reject_forward ip daddr " +
      service_subnet + " reject\n" +
      "add chain " + t + "service_reject_output { type filter hook output priority 0; policy accept; }\n" +
      "add rule " + t + "service_reject_output ip daddr " + service_subnet +
      " meta l4proto tcp reject with tcp reset\n" + "add rule " + t + "service_reject_output ip daddr " +
      service_subnet + " reject\n";
  if (auto r = run_nft(script); !r) return fail(r.error());
  return ensure_node_ports(table);
}

Status sync_service_rules(const std::string& bridge, const ServiceRules& before, const ServiceRules& after) {
  if (before == after) return {};
  std::string table = nat_table_name(bridge);
  // One transaction: traffic never sees the service half-changed.
  std::string script = before.ports.empty() ? "" : removal(table, before, &after);
  if (run_nft(script + installation(table, after))) return {};
  // What was installed is not all there (the table was made anew, after a reboot): remove what
  // is, piece by piece, then install.
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) (void)run_nft(line);  // absent pieces are fine
  if (auto r = run_nft(installation(table, after)); !r) return fail(r.error());
  return {};
}

Status remove_service_rules(const std::string& bridge, const ServiceRules& installed) {
  if (installed.ports.empty()) return {};
  std::string script = removal(nat_table_name(bridge), installed, nullptr);
  if (run_nft(script)) return {};
  // Not all there (the table was made anew): each piece that is goes.
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) (void)run_nft(line);  // absent pieces are fine
  return {};
}

}  // namespace podctl::net
