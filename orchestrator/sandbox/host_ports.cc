#include "orchestrator/sandbox/host_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/files.h"

namespace podctl {
namespace {

using nlohmann::json;

Result<UniqueFd> reserve(const net::PortMapping& m) {
  bool tcp = m.protocol == "TCP";
  UniqueFd fd(::socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  if (!fd) return fail(sys_error("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(m.host_port));
  if (m.host_ip.empty() || ::inet_pton(AF_INET, m.host_ip.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = INADDR_ANY;
  std::string what = "hostPort " + std::to_string(m.host_port) + "/" + m.protocol;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || (tcp && ::listen(fd.get(), 1) != 0)) {
    int err = errno;
    if (err == EADDRINUSE) {
      std::string holder = port_holder(m.host_port, m.protocol);
      return fail(Error{err, what + " is already in use" + (holder.empty() ? "" : " by " + holder)});
    }
    if (err == EADDRNOTAVAIL)
      return fail(Error{err, what + ": hostIP " + m.host_ip + " is not an address of this machine"});
    return fail(Error{err, what + ": " + std::strerror(err)});
  }
  return fd;
}

// Socket inodes bound to the port, from /proc/net/{tcp,tcp6,udp,udp6}.
std::vector<std::string> socket_inodes(int port, const std::string& protocol) {
  std::vector<std::string> inodes;
  std::string base = protocol == "TCP" ? "tcp" : "udp";
  for (const std::string& file : {"/proc/net/" + base, "/proc/net/" + base + "6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      auto colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port && inode != "0") inodes.push_back(inode);
    }
  }
  return inodes;
}

std::string describe_process(const std::string& pid) {
  auto cmdline = read_file("/proc/" + pid + "/cmdline");
  std::vector<std::string> args;
  if (cmdline)
    for (size_t start = 0; start < cmdline->size();) {
      size_t end = cmdline->find('\0', start);
      if (end == std::string::npos) end = cmdline->size();
      args.push_back(cmdline->substr(start, end - start));
      start = end + 1;
    }
  // A pod's supervisor: "podctl-supervisor … --namespace NS … NAME".
  if (args.size() > 2 && args[0] == "podctl-supervisor") {
    std::string ns = "default";
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--namespace") ns = args[i + 1];
    return "pod " + ns + "/" + args.back();
  }
  auto comm = read_file("/proc/" + pid + "/comm");
  std::string name = comm ? *comm : "";
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return "process " + pid + " (" + name + ")";
}

}  // namespace

std::vector<net::PortMapping> port_mappings(const manifest::Pod& pod, const std::string& pod_ip) {
  std::vector<net::PortMapping> out;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list)
      for (const auto& p : c.ports)
        if (p.host_port != 0)
          out.push_back(
              {p.host_ip, static_cast<int>(p.host_port), p.protocol, pod_ip, static_cast<int>(p.container_port)});
  return out;
}

Result<std::vector<UniqueFd>> reserve_host_ports(const std::vector<net::PortMapping>& mappings) {
  std::vector<UniqueFd> held;
  for (const auto& m : mappings) {
    UniqueFd fd;
    PODCTL_ASSIGN_OR_RETURN(fd, reserve(m));
    held.push_back(std::move(fd));
  }
  return held;
}

std::string port_holder(int port, const std::string& protocol) {
  auto inodes = socket_inodes(port, protocol);
  if (inodes.empty()) return "";
  auto pids = list_dir("/proc");
  if (!pids) return "";
  for (const auto& pid : *pids) {
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto fds = list_dir("/proc/" + pid + "/fd");
    if (!fds) continue;
    for (const auto& fd : *fds) {
      char target[64];
      ssize_t n = ::readlink(("/proc/" + pid + "/fd/" + fd).c_str(), target, sizeof target - 1);
      if (n <= 0) continue;
      std::string link(target, static_cast<size_t>(n));
      for (const auto& inode : inodes)
        if (link == "socket:[" + inode + "]") return describe_process(pid);
    }
  }
  return "";
}

Status write_port_mappings(const std::string& path, const std::vector<net::PortMapping>& mappings) {
  json list = json::array();
  for (const auto& m : mappings)
    list.push_back({{"hostIP", m.host_ip},
                    {"hostPort", m.host_port},
                    {"protocol", m.protocol},
                    {"podIP", m.pod_ip},
                    {"containerPort", m.container_port}});
  return write_runtime_file(path, list.dump(2) + "\n");
}

std::vector<net::PortMapping> read_port_mappings(const std::string& path) {
  std::vector<net::PortMapping> out;
  auto text = read_file(path);
  if (!text) return out;
  auto list = json::parse(*text, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& m : list)
    out.push_back({m.value("hostIP", ""), m.value("hostPort", 0), m.value("protocol", "TCP"), m.value("podIP", ""),
                   m.value("containerPort", 0)});
  return out;
}

}  // namespace podctl
