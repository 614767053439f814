// podctl - helpers shared by the planner's parts (pod_plan.cc, stop_plan.cc, pod_phase.cc).
#pragma once

#include <algorithm>

#include "orchestrator/plan/pod_plan.h"

namespace podctl::plan::detail {

inline const manifest::Container& container_at(const manifest::PodSpec& spec, size_t i) {
  size_t init_count = spec.init_containers.size();
  return i < init_count ? spec.init_containers[i] : spec.containers[i - init_count];
}

inline void wake_by(PodPlan& plan, Millis at) { plan.wake_at = plan.wake_at ? std::min(*plan.wake_at, at) : at; }

inline bool running(const ObservedContainer& c) { return c.state == RunState::Running; }
inline bool killable(const ObservedContainer& c) { return running(c) && c.stop == StopPhase::None; }

// A kill as killContainer gives it: never less than the minimum grace period unless it is 0, and
// the preStop hook first when there is time for it.
ContainerKill make_kill(const manifest::Container& c, KillReason reason, std::string message, Millis grace_ms);

// What a graceful stop under way needs now: the stop signal once preStop is done, SIGKILL once
// the grace period has run out.
void plan_stops(PodPlan& plan, const ObservedPod& observed, Millis now);

// The pod's deletion or the sidecars' end: who stops next, with what grace, and when it is over.
void plan_shutdown(PodPlan& plan, const manifest::PodSpec& spec, const ObservedPod& observed, Millis now);

}  // namespace podctl::plan::detail
