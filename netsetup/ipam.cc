#include "netsetup/ipam.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/files.h"
#include "base/ipv4.h"
#include "base/unique_fd.h"

namespace podctl::net {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<bool> try_reserve(const std::string& path, const std::string& uid) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    if (errno == EEXIST) return false;
    return fail(sys_error("reserve address " + path));
  }
  std::string content = uid + "\n";
  if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    auto e = sys_error("write " + path);
    (void)::unlink(path.c_str());  // the reservation we could not complete; the write's error is reported
    return fail(e);
  }
  return true;
}

}  // namespace

Result<uint32_t> allocate_ip(const IpamRange& range, const std::string& uid,
                             const std::function<bool(const std::string&)>& owner_alive) {
  PODCTL_TRY(make_dirs(range.dir, 0700));
  uint32_t mask = ~uint32_t{0} << (32 - range.prefix);
  uint32_t first = (range.network & mask) + 2;  // .0 is the network, .1 the gateway
  uint32_t last = (range.network | ~mask) - 1;  // the broadcast address is not handed out
  uint32_t count = last - first + 1;
  uint32_t start = first;
  if (auto text = read_file(range.dir + "/last_reserved_ip")) {
    in_addr a{};
    if (inet_pton(AF_INET, trim(*text).c_str(), &a) == 1) {
      uint32_t prev = ntohl(a.s_addr);
      if (prev >= first && prev < last) start = prev + 1;
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t ip = first + (start - first + i) % count;
      std::string path = range.dir + "/" + ip_to_string(ip);
      if (pass == 1) {
        // Second pass: reclaim addresses whose owner pod no longer exists.
        auto owner = read_file(path);
        if (!owner || owner_alive(trim(*owner))) continue;
        // If this fails the file stays, and try_reserve below finds the address taken: no harm.
        (void)::unlink(path.c_str());
      }
      bool reserved = false;
      PODCTL_ASSIGN_OR_RETURN(reserved, try_reserve(path, uid));
      if (!reserved) continue;
      (void)write_runtime_file(range.dir + "/last_reserved_ip", ip_to_string(ip) + "\n", 0644);
      return ip;
    }
  }
  return fail(Error{ENOSPC, "no free address left in subnet " + ip_to_string(range.network & mask) + "/" +
                                std::to_string(range.prefix) + " (" + std::to_string(count) +
                                " addresses, all in use): delete pods or use a larger --subnet"});
}

Status release_ip(const std::string& dir, uint32_t ip, const std::string& uid) {
  std::string path = dir + "/" + ip_to_string(ip);
  auto owner = read_file(path);
  if (!owner) return {};
  if (trim(*owner) != uid) return {};  // reused by another pod meanwhile: not ours to free
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fail(sys_error("release address " + path));
  return {};
}

}  // namespace podctl::net
