// podctl - the narrow interface between the pod executor and the machine (the shape of the CRI
// that the kubelet's SyncPod drives): make and tear down the sandbox, start a container, signal
// it, run a probe or hook, pull an image, record an event, read the clocks. LinuxPodRuntime is
// the real one; tests drive the executor through a recording fake (tests/unit/fake_pod_runtime.h).
//
// Operations that take time (a container's life, a handler run, a pull) only begin here; the
// event loop reports how they ended to the executor (on_container_exit, on_handler_done…).
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "base/error.h"
#include "manifests/pod_spec.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/plan/backoff.h"
#include "orchestrator/plan/pod_plan.h"
#include "orchestrator/plan/probe_worker.h"

namespace podctl::supervisor {

using plan::Millis;

// What a container can have in flight besides its process: probe runs and hooks.
enum class HandlerKind : size_t { Startup, Liveness, Readiness, PostStart, PreStop };
inline constexpr size_t kHandlerKinds = 5;

using plan::HandlerOutcome;

// Why a start failed, which decides how the container waits (the kubelet's wording in brackets).
enum class StartFailureKind {
  Config,  // its configuration cannot be made (CreateContainerConfigError)
  Create,  // the runtime refused its settings, e.g. its seccomp profile (CreateContainerError)
  Mount,   // a volume could not be made (FailedMount; it waits in ContainerCreating)
  Setup,   // the machine failed before the container was created (StartError)
  Exec,    // the container was created but its process did not start (StartError)
};

struct StartFailure {
  StartFailureKind kind = StartFailureKind::Setup;
  std::string message;
};

struct ContainerExit {
  int exit_code = 0;
  bool oom_killed = false;
  std::string message;  // the termination message (terminationMessagePath, or the log's end)
};

enum class StopSignal { Graceful, Kill };  // the image's StopSignal (SIGTERM by default), or SIGKILL

enum class EventType { Normal, Warning };

class PodRuntime {
 public:
  virtual ~PodRuntime() = default;

  virtual Millis now() const = 0;              // the monotonic clock
  virtual std::string wall_clock() const = 0;  // RFC 3339, for status and events

  virtual Status create_sandbox() = 0;
  // The sandbox goes: the pause process is killed if it still lives, the host veth deleted.
  virtual Status teardown_sandbox() = 0;

  virtual std::optional<Image> find_image(const std::string& reference) = 0;
  virtual Status start_pull(size_t container, const std::string& reference) = 0;

  // A start in two steps, so that the containers a plan starts together set up side by side:
  // begin prepares and clones (`run` counts the container's starts from 0; it names the log
  // file), finish waits until the command runs and returns the new container's ID. Every begun
  // start is finished, in the order begun.
  virtual std::expected<void, StartFailure> begin_container(size_t container, const manifest::Pod& pod,
                                                            const Image& image, int run) = 0;
  virtual std::expected<std::string, StartFailure> finish_container(size_t container) = 0;
  virtual Status signal(size_t container, StopSignal signal) = 0;
  // SIGKILL and reap at once (the sandbox is gone); its output is drained, its handlers end.
  virtual ContainerExit kill_now(size_t container) = 0;

  virtual Status run_handler(size_t container, const manifest::Container& spec, HandlerKind kind,
                             const manifest::Handler& handler, std::optional<Millis> deadline) = 0;
  virtual HandlerOutcome expire_handler(size_t container, HandlerKind kind) = 0;  // its deadline passed
  virtual void cancel_handlers(size_t container) = 0;

  // object: "spec.containers{web}", or "" for the pod.
  virtual void record_event(EventType type, const std::string& reason, const std::string& message,
                            const std::string& object) = 0;
};

}  // namespace podctl::supervisor
