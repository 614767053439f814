// Images, as the kubelet gets them before a start: by imagePullPolicy (Always: every start;
// IfNotPresent: when the store lacks it; Never: never, ErrImageNeverPull). A pull runs beside
// the loop; its failure is ErrImagePull, then ImagePullBackOff with the crash-loop backoff's shape.
#include <cstdio>

#include "orchestrator/supervisor/pod_executor.h"

namespace podctl::supervisor {

using manifest::PullPolicy;

// Whether the image is there for the container to start now; if not, a pull is under way or the
// container waits with the reason.
bool PodExecutor::image_ready(ContainerRecord& c) {
  const manifest::Container& spec = *c.spec;
  if (c.pulling) return false;
  const bool pulled_now = c.image_pulled_for_start;
  c.image_pulled_for_start = false;
  const auto policy = manifest::pull_policy_of(spec);
  // A start, a restart above all, needs no store lookup for an image already known.
  if (auto known = images_.find(spec.image); policy != PullPolicy::Always && known != images_.end()) return true;
  if (policy != PullPolicy::Always || pulled_now) {
    if (auto found = runtime_.find_image(spec.image)) {
      images_[spec.image] = *found;
      return true;
    }
    if (pulled_now) {
      on_pull_failed(c, "the pulled image is not in the store");
      return false;
    }
  }
  if (policy == PullPolicy::Never) {
    std::string message = "Container image \"" + spec.image + "\" is not present with pull policy of Never";
    hold_for_config(c, plan::WaitingReason::ErrImageNeverPull, "Failed", message, message);
    return false;
  }
  start_pull(c);
  return false;
}

void PodExecutor::start_pull(ContainerRecord& c) {
  if (auto st = runtime_.start_pull(c.index, c.spec->image); !st) return on_pull_failed(c, st.error().message);
  c.pulling = true;
  c.pull_started = runtime_.now();
  c.state = plan::WaitingState{plan::WaitingReason::ContainerCreating, ""};
  event(EventType::Normal, "Pulling", "Pulling image \"" + c.spec->image + "\"", &c);
}

// The start the plan asked for goes on once its image is there: the pull was part of it.
void PodExecutor::on_pull_done(size_t i, const Status& result) {
  ContainerRecord& c = containers_[i];
  c.pulling = false;
  if (terminating_) return;
  if (!result) return on_pull_failed(c, result.error().message);
  char took[32];
  std::snprintf(took, sizeof took, "%.3fs", static_cast<double>(runtime_.now() - c.pull_started) / 1000);
  event(EventType::Normal, "Pulled", "Successfully pulled image \"" + c.spec->image + "\" in " + took, &c);
  c.pull_failed = false;
  c.image_pulled_for_start = true;
  start(c);
}

void PodExecutor::on_pull_failed(ContainerRecord& c, const std::string& message) {
  c.pull_failed = true;
  hold_for_config(c, plan::WaitingReason::ErrImagePull, "Failed",
                  "Failed to pull image \"" + c.spec->image + "\": " + message, message);
}

}  // namespace podctl::supervisor
