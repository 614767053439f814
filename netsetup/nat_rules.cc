#include "netsetup/nat_rules.h"

#include <dlfcn.h>
#include <nftables/libnftables.h>

#include <memory>
#include <sstream>
#include <set>

namespace podctl::net {
namespace {

// libnftables and what it links (libnftnl, libmnl, libxtables, libjansson, libgmp) are loaded on
// the first nftables command, not at every start of podctl and of every supervisor: most
// commands and most pods (those without hostPorts) never need them.
struct NftApi {
  decltype(&nft_ctx_new) ctx_new;
  decltype(&nft_ctx_free) ctx_free;
  decltype(&nft_ctx_buffer_output) buffer_output;
  decltype(&nft_ctx_buffer_error) buffer_error;
  decltype(&nft_run_cmd_from_buffer) run_cmd_from_buffer;
  decltype(&nft_ctx_get_output_buffer) get_output_buffer;
  decltype(&nft_ctx_get_error_buffer) get_error_buffer;
};

template <class F>
bool resolve(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(::dlsym(lib, name));
  return out != nullptr;
}

Result<const NftApi*> nft_api() {
  static NftApi api;
  static std::string failure;
  static const bool loaded = [] {
    void* lib = ::dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = ::dlerror();
      failure = "cannot load libnftables.so.1 (Debian: apt-get install libnftables1): " + std::string(why ? why : "");
      return false;
    }
    bool all = resolve(lib, "nft_ctx_new", api.ctx_new) && resolve(lib, "nft_ctx_free", api.ctx_free) &&
               resolve(lib, "nft_ctx_buffer_output", api.buffer_output) &&
               resolve(lib, "nft_ctx_buffer_error", api.buffer_error) &&
               resolve(lib, "nft_run_cmd_from_buffer", api.run_cmd_from_buffer) &&
               resolve(lib, "nft_ctx_get_output_buffer", api.get_output_buffer) &&
               resolve(lib, "nft_ctx_get_error_buffer", api.get_error_buffer);
    if (!all) failure = "libnftables.so.1 lacks a function podctl uses";
    return all;
  }();
  if (!loaded) return fail(make_error(failure));
  return &api;
}

}  // namespace

Result<std::string> run_nft(const std::string& script) {
  PODCTL_ASSIGN_OR_RETURN(const NftApi* nft, nft_api());
  auto free_ctx = [nft](nft_ctx* ctx) { nft->ctx_free(ctx); };
  std::unique_ptr<nft_ctx, decltype(free_ctx)> ctx(nft->ctx_new(NFT_CTX_DEFAULT), free_ctx);
  if (!ctx) return fail(make_error("cannot create an nftables context"));
  nft->buffer_output(ctx.get());
  nft->buffer_error(ctx.get());
  if (nft->run_cmd_from_buffer(ctx.get(), script.c_str()) != 0) {
    std::string why = nft->get_error_buffer(ctx.get());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return fail(make_error("nftables: " + why));
  }
  return std::string(nft->get_output_buffer(ctx.get()));
}

namespace {

Status run_nft_script(const std::string& script) {
  if (auto r = run_nft(script); !r) return fail(r.error());
  return {};
}

bool any_address(const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "any_tcp { 8080 }" or "addr_udp { 127.0.0.1 . 53 }", with the value when adding.
std::string element(const std::string& table, const PortMapping& m, bool with_value) {
  std::string map = (any_address(m.host_ip) ? "any_" : "addr_") + lower(m.protocol);
  std::string key = (any_address(m.host_ip) ? "" : m.host_ip + " . ") + std::to_string(m.host_port);
  std::string value = with_value ? " : " + m.pod_ip + " . " + std::to_string(m.container_port) : "";
  return "element ip " + table + " " + map + " { " + key + value + " }";
}

}  // namespace

std::string nat_table_name(const std::string& bridge) {
  std::string name = "podctl_" + bridge;
  for (auto& c : name)
    if (c == '-' || c == '.') c = '_';
  return name;
}

bool nat_table_complete(const std::string& bridge) {
  // "list chains" reads tables and chains only; listing a chain or a map would read every map
  // element too (and nft 1.0.6 refuses two list commands in one run).
  auto listing = run_nft("list chains ip");
  if (!listing) return false;
  std::istringstream lines(*listing);
  const std::string header = "table ip " + nat_table_name(bridge) + " {";
  bool inside = false;
  std::set<std::string> chains;
  for (std::string line; std::getline(lines, line);) {
    if (!inside) {
      inside = line == header;
      continue;
    }
    if (line == "}") break;
    std::istringstream words(line);
    std::string word, name;
    if (words >> word >> name && word == "chain") chains.insert(name);
  }
  return chains.count("postrouting") && chains.count("services") && chains.count("nodeports");
}

Status ensure_nat_table(const NatConfig& c) {
  std::string table = nat_table_name(c.bridge);
  if (run_nft("list table ip " + table)) return {};
  std::string masquerade_out = c.outbound ? "    ip saddr " + c.subnet + " ip daddr != " + c.subnet + " oifname != \"" +
                                                c.bridge + "\" masquerade\n"
                                          : "";
  std::string script =
      "table ip " + table +
      " {\n"
      "  map any_tcp { type inet_service : ipv4_addr . inet_service; }\n"
      "  map any_udp { type inet_service : ipv4_addr . inet_service; }\n"
      "  map addr_tcp { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
      "  map addr_udp { type ipv4_addr . inet_service : ipv4_addr . inet_service; }\n"
      "  chain hostports {\n"
      "    dnat ip to ip daddr . tcp dport map @addr_tcp\n"
      "    dnat ip to tcp dport map @any_tcp\n"
      "    dnat ip to ip daddr . udp dport map @addr_udp\n"
      "    dnat ip to udp dport map @any_udp\n"
      "  }\n"
      "  chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local jump "
      "hostports; }\n"
      // dstnat is not a valid name in the output hook of nft 1.0.6; -100 is its value.
      "  chain output { type nat hook output priority -100; policy accept; fib daddr type local jump hostports; }\n"
      "  chain postrouting {\n"
      "    type nat hook postrouting priority srcnat; policy accept;\n"
      "    ct status dnat ip daddr " +
      c.subnet +
      " ip saddr 127.0.0.0/8 masquerade\n"
      "    ct status dnat ip daddr " +
      c.subnet + " ip saddr " + c.subnet + " masquerade\n" + masquerade_out +
      "  }\n"
      "}\n";
  return run_nft_script(script);
}

Status delete_nat_table(const std::string& bridge) {
  std::string table = nat_table_name(bridge);
  if (!run_nft("list table ip " + table)) return {};
  return run_nft_script("delete table ip " + table);
}

Result<std::vector<std::string>> list_nat_tables() {
  std::string out;
  PODCTL_ASSIGN_OR_RETURN(out, run_nft("list tables ip"));
  std::vector<std::string> tables;
  size_t at = 0;
  while ((at = out.find("table ip podctl_", at)) != std::string::npos) {
    at += 9;
    size_t end = out.find_first_of(" \n", at);
    tables.push_back(out.substr(at, end - at));
  }
  return tables;
}

Status add_port_mappings(const std::string& bridge, const std::vector<PortMapping>& mappings) {
  if (mappings.empty()) return {};
  std::string script;
  for (const auto& m : mappings) script += "add " + element(nat_table_name(bridge), m, true) + "\n";
  return run_nft_script(script);
}

Status remove_port_mappings(const std::string& bridge, const std::vector<PortMapping>& mappings) {
  Status first;
  for (const auto& m : mappings)
    if (auto r = run_nft("delete " + element(nat_table_name(bridge), m, false)); !r && first) first = fail(r.error());
  return first;
}

}  // namespace podctl::net
