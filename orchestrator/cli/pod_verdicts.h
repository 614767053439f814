// podctl - the CLI's decisions about pods, as pure functions over typed values: what apply does
// with a pod it finds, when apply --wait is done or has failed, when run's job is finished and
// what it reports. The verbs read the store and print; these decide (and are unit-tested).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "manifests/policies.h"
#include "orchestrator/cli/pod_watch.h"
#include "orchestrator/plan/container_status.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

// Create; leave alone; Update (only containers changed: the supervisor restarts just those, as the
// kubelet does on a container's hash change); Replace (a pod-level change); Heal (supervisor gone).
enum class PodAction { Create, Unchanged, Update, Replace, Heal };

PodAction plan_apply(const std::optional<PodRecord>& existing, const manifest::Pod& pod);

// apply --wait: a pod that runs until stopped (restartPolicy Always) is done when Ready; a pod
// that runs to completion (OnFailure, Never) when Succeeded. What cannot get better by itself fails
// at once: phase Failed, a lost supervisor, a configuration error, an image that may not be pulled
// (ErrImageNeverPull), a command that cannot start. A
// crash loop keeps being waited for (a flaky dependency may come up), and is what a timeout reports.
WatchResult apply_wait_verdict(const plan::PodStatus& status, manifest::RestartPolicy policy);

// run: done once the phase is terminal and nothing runs any more (the sidecars, which the
// supervisor stops after the job, included).
WatchResult run_verdict(const plan::PodStatus& status, const std::string& pod_name);

// run's report for one pod: a line per container, and the exit code it contributes (the first
// failed container's code for a job, 1 for a failed job whose containers all exited 0). Sidecars
// (restartable init containers, named in `sidecars`) are stopped at the end of a job: as in
// Kubernetes, their exit codes do not count.
struct RunReport {
  std::vector<std::string> lines;
  int exit_code = 0;
};
RunReport run_report(const std::string& pod_name, const plan::PodStatus& status, bool job,
                     const std::vector<std::string>& sidecars = {});

}  // namespace podctl
