#include "orchestrator/controllers/controller_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "base/files.h"
#include "base/process_identity.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/pods/pod_ops.h"
#include "orchestrator/store/json_file.h"

namespace podctl {

ControllerPaths controller_paths(const RootPaths& root, const ControllerRef& ref) {
  return {root.controller_dir(ref.resource, ref.ns, ref.name)};
}

bool controller_running(const RootPaths& root, const ControllerRef& ref) {
  auto id = read_process_identity(controller_paths(root, ref).pid());
  return id && process_alive(*id);
}

nlohmann::json with_status(const RootPaths& root, const std::string& resource, const nlohmann::json& stored) {
  nlohmann::json out = stored;
  ControllerRef ref{resource, stored["metadata"].value("namespace", ""), stored["metadata"].value("name", "")};
  auto status = read_json_file(controller_paths(root, ref).status());
  out["status"] = status ? *status : nlohmann::json::object();
  return out;
}

Status write_status(const ControllerPaths& paths, const nlohmann::json& status) {
  if (auto before = read_json_file(paths.status()); before && *before == status) return {};
  return write_runtime_file(paths.status(), status.dump(2) + "\n", 0600);
}

std::vector<std::string> pod_option_args(const PodContext& ctx) {
  return {"--restart-backoff", ctx.pod_options.restart_backoff,
          "--log-max-size",    std::to_string(ctx.pod_options.log_max_bytes),
          "--log-max-files",   std::to_string(ctx.pod_options.log_max_files),
          "--pids-limit",      std::to_string(ctx.pod_options.pids_limit)};
}

// Double fork and setsid, as for a pod's supervisor: it outlives the command that started it and
// nobody has to reap it. The controller writes its own identity file once it runs.
Status ensure_controller(const PodContext& ctx, const ControllerRef& ref) {
  if (controller_running(ctx.root, ref)) return {};
  auto paths = controller_paths(ctx.root, ref);
  PODCTL_TRY(make_dirs(paths.dir, 0700));
  std::string exe = self_exe();
  std::vector<std::string> args = {"podctl", "--root", ctx.root.root, "-n", ref.ns, "--log-level", ctx.log_level,
                                   "controller", ref.resource, ref.name};
  for (auto& a : pod_option_args(ctx)) args.push_back(a);
  return spawn_detached(exe, std::move(args), paths.log());
}

Status stop_all_controllers(const RootPaths& root) {
  Status result;
  for (const char* resource : {"deployments", "replicasets", "statefulsets", "jobs", "services"}) {
    std::string dir = root.root + "/controllers/" + resource;
    auto namespaces = list_dir(dir);
    if (!namespaces) continue;  // none ever ran
    for (const auto& ns : *namespaces) {
      if (!is_store_label(ns)) continue;
      auto names = list_dir(dir + "/" + ns);
      if (!names) continue;
      for (const auto& name : *names)
        if (is_store_name(name))
          if (auto st = stop_controller(root, {resource, ns, name}); !st && result) result = st;
    }
  }
  return result;
}

void wake_controller(const RootPaths& root, const ControllerRef& ref) {
  auto id = read_process_identity(controller_paths(root, ref).pid());
  if (!id || !process_alive(*id)) return;
  auto pidfd = pidfd_open_pid(id->pid);
  // Best effort: a controller that misses the signal looks again at its next poll anyway.
  if (pidfd && process_alive(*id)) (void)pidfd_send_signal_to(pidfd->get(), SIGHUP);
}

Status stop_controller(const RootPaths& root, const ControllerRef& ref) {
  auto id = read_process_identity(controller_paths(root, ref).pid());
  if (!id || !process_alive(*id)) return {};
  auto pidfd = pidfd_open_pid(id->pid);
  if (!pidfd || !process_alive(*id)) return {};  // gone meanwhile (or the pid was reused)
  if (pidfd_send_signal_to(pidfd->get(), SIGTERM) != 0 && errno != ESRCH)
    return fail(sys_error("signal the controller of " + ref.resource + "/" + ref.name));
  pollfd p{pidfd->get(), POLLIN, 0};
  int n;
  // A controller stops between two steps; creating a pod takes well under a second.
  while ((n = ::poll(&p, 1, 10'000)) < 0 && errno == EINTR) {
  }
  if (n == 0) {
    if (pidfd_send_signal_to(pidfd->get(), SIGKILL) != 0 && errno != ESRCH)
      return fail(sys_error("kill the controller of " + ref.resource + "/" + ref.name));
    while ((n = ::poll(&p, 1, 5'000)) < 0 && errno == EINTR) {
    }
  }
  return {};
}

}  // namespace podctl
