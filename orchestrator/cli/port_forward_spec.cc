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

Result<std::vector<std::string>> parse_forward_addresses(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string a; std::getline(in, a, ',');) {
    if (a == "localhost") a = "127.0.0.1";
    in_addr parsed{};
    if (::inet_pton(AF_INET, a.c_str(), &parsed) != 1)
      return fail(make_error("--address " + a + ": expected localhost or an IPv4 address"));
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  if (out.empty()) return fail(make_error("--address: no address given"));
  return out;
}

}  // namespace podctl
