#include "base/ipv4.h"

#include <arpa/inet.h>

namespace podctl {

Result<uint32_t> parse_ip(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return fail(make_error("\"" + text + "\" is not an IPv4 address"));
  return ntohl(a.s_addr);
}

std::string ip_to_string(uint32_t ip) {
  in_addr a{htonl(ip)};
  char buf[INET_ADDRSTRLEN];
  // Cannot fail: the buffer is INET_ADDRSTRLEN and the family AF_INET.
  (void)inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

}  // namespace podctl
