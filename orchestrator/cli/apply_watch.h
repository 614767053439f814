// podctl apply -f … --watch: apply, then re-apply whenever a manifest file changes (inotify on
// the directories involved, debounced so that an editor's burst of writes is one re-apply).
#pragma once

#include <functional>

#include "orchestrator/cli/invocation.h"

namespace podctl {

// Runs until interrupted; a failed re-apply (a typo mid-edit) is reported and watching goes on.
int watch_and_apply(const Invocation& inv, const std::function<int()>& apply_once);

}  // namespace podctl
