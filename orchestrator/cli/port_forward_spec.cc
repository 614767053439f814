#include "orchestrator/cli/port_forward_spec.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "manifests/names.h"

namespace podctl {
namespace {

// A port number 1-65535 (0 allowed where `zero_ok`), or none.
std::optional<int> port_number(const std::string& text, bool zero_ok) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), ::isdigit)) return std::nullopt;
  int n = std::stoi(text);
  if (n > 65535 || (n == 0 && !zero_ok)) return std::nullopt;
  return n;
}

}  // namespace

Result<PortPair> parse_port_pair(const std::string& text) {
  const auto colon = text.find(':');
  const bool both = colon != std::string::npos;
  const std::string remote = both ? text.substr(colon + 1) : text;
  // ":80" leaves the local port to the kernel, as "0:80" does.
  const std::string local = !both ? text : colon == 0 ? std::string("0") : text.substr(0, colon);
  PortPair pair;
  auto remote_port = port_number(remote, false);
  if (remote_port) {
    pair.remote_port = *remote_port;
  } else if (both && manifest::check_port_name(remote).empty()) {
    pair.remote_name = remote;
  } else {
    return fail(make_error("invalid port \"" + text + "\": the remote port must be 1-65535 (or a port's name, as LOCAL:NAME)"));
  }
  auto local_port = port_number(local, true);
  if (!local_port) return fail(make_error("invalid port \"" + text + "\": the local port must be 0-65535"));
  pair.local_port = *local_port;
  return pair;
}

Result<std::vector<ForwardAddress>> parse_forward_addresses(const std::string& text) {
  std::vector<ForwardAddress> out;
  auto add = [&](const ForwardAddress& a) {
    auto same = [&](const ForwardAddress& b) { return b.ip == a.ip; };
    auto it = std::find_if(out.begin(), out.end(), same);
    if (it == out.end())
      out.push_back(a);
    else
      it->from_localhost &= a.from_localhost;  // named on its own too: then it must work
  };
  std::istringstream in(text);
  for (std::string a; std::getline(in, a, ',');) {
    if (a == "localhost") {
      add({"127.0.0.1", true});
      add({"::1", true});
      continue;
    }
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, a.c_str(), &v4) != 1 && ::inet_pton(AF_INET6, a.c_str(), &v6) != 1)
      return fail(make_error("--address " + a + ": expected localhost or an IP address"));
    add({a, false});
  }
  if (out.empty()) return fail(make_error("--address: no address given"));
  return out;
}

std::string host_port(const std::string& ip, int port) {
  std::string host = ip.find(':') == std::string::npos ? ip : "[" + ip + "]";
  return host + ":" + std::to_string(port);
}

}  // namespace podctl
