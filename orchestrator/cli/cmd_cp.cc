// podctl cp [-c C] POD:SRC DEST | SRC POD:DEST: kubectl cp (and docker compose cp), as a tar
// stream through tar in the container (which must have one, as for kubectl). What the container
// sends is written by copy_stream's rules; what goes in is the container's to unpack.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "base/files.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/exec_target.h"
#include "orchestrator/cli/exec_terminal.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/container/copy_stream.h"

namespace podctl {
namespace {

struct Location {
  std::string pod;  // empty: a path of the host
  std::string path;
};

Location location(const std::string& arg) {
  auto colon = arg.find(':');
  // "./a:b" and "/a:b" are host paths with a colon, as kubectl reads them.
  if (colon == std::string::npos || colon == 0 || arg[0] == '.' || arg[0] == '/') return {"", arg};
  return {arg.substr(0, colon), arg.substr(colon + 1)};
}

// "/var/log/app/" → {"/var/log", "app"}; "notes.txt" → {".", "notes.txt"}.
Result<std::pair<std::string, std::string>> split_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty() || base == "." || base == "..") return fail(make_error("\"" + path + "\": name a file or a directory"));
  return std::make_pair(dir, base);
}

Result<int> run_tar(const PreparedExec& p, const std::vector<std::string>& argv, ExecStdio stdio, UniqueFd& ours,
                    const std::function<Status(int)>& stream) {
  auto child = spawn_in_container(p.target, p.pidfd.get(), argv, stdio);
  if (!child) return fail(child.error());
  // The child holds its end; ours closing ends the stream for it (or for us).
  if (stdio.in >= 0) ::close(stdio.in);
  if (stdio.out >= 0) ::close(stdio.out);
  Status streamed = stream(ours.get());
  ours.reset();
  int rc = wait_for(*child);
  if (!streamed) return fail(streamed.error());
  return rc;
}

int copy_from(const PreparedExec& p, const Location& from, std::string dest) {
  auto parts = split_path(from.path);
  if (!parts) return report_error(parts.error().message, kExitUsage);
  auto [dir, base] = *parts;
  if (is_directory(dest)) dest += "/" + base;  // into an existing directory, as cp does
  // Links in the user's own path are the user's: resolved here, so that the unpacking, which
  // refuses to write through any link, refuses only those the container's stream makes.
  std::error_code ec;
  if (auto real = std::filesystem::weakly_canonical(dest, ec); !ec) dest = real.string();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return report_error(sys_error("pipe").message);
  UniqueFd ours(fds[0]);
  ExecStdio stdio;
  stdio.out = fds[1];
  auto rc = run_tar(p, {"tar", "cf", "-", "-C", dir, base}, stdio, ours, [&](int fd) -> Status {
    PODCTL_ASSIGN_OR_RETURN(int written, extract_copy(fd, base, dest));
    if (written == 0) return fail(make_error(from.path + ": nothing came out of the container"));
    return {};
  });
  if (!rc) return report_error(rc.error().message);
  if (*rc != 0) return report_error("tar in the container exited with " + std::to_string(*rc));
  return kExitOk;
}

int copy_to(const PreparedExec& p, const std::string& src, const Location& to) {
  if (!path_exists(src)) return report_error(src + ": No such file or directory");
  auto parts = split_path(to.path);
  if (!parts) return report_error(parts.error().message, kExitUsage);
  auto [dir, base] = *parts;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return report_error(sys_error("pipe").message);
  UniqueFd ours(fds[1]);
  ExecStdio stdio;
  stdio.in = fds[0];
  // -m: the files get the time of the copy, as kubectl's tar -xmf.
  auto rc = run_tar(p, {"tar", "xmf", "-", "-C", dir}, stdio, ours, [&](int fd) { return archive_copy(src, base, fd); });
  if (!rc) return report_error(rc.error().message);
  if (*rc != 0) return report_error("tar in the container exited with " + std::to_string(*rc));
  return kExitOk;
}

}  // namespace

int cmd_cp(const Invocation& inv) {
  if (inv.args.size() != 2) return report_error("usage: podctl cp [-c CONTAINER] POD:SRC DEST | SRC POD:DEST", kExitUsage);
  Location from = location(inv.args[0]), to = location(inv.args[1]);
  if (from.pod.empty() == to.pod.empty())
    return report_error("one of the two paths is in a pod (POD:PATH) and the other on this machine", kExitUsage);
  const Location& remote = from.pod.empty() ? to : from;
  if (remote.path.empty()) return report_error(remote.pod + ": a path in the pod is missing (POD:PATH)", kExitUsage);
  PreparedExec prepared;
  if (int rc = prepare_exec_of_arg(inv, remote.pod, prepared)) return rc;
  // A container that stops reading must not kill podctl: the write fails instead.
  ::signal(SIGPIPE, SIG_IGN);
  return from.pod.empty() ? copy_to(prepared, from.path, to) : copy_from(prepared, from, to.path);
}

void cp_options(po::options_description& d) {
  d.add_options()("container,c", po::value<std::string>(), "container name (default: the first)");
}

}  // namespace podctl
