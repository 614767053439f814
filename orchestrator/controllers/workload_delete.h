// podctl - deleting an object with a controller: the controller first (so nothing is re-created),
// then what it owns (cascade), or only its ownership of them (--cascade=orphan), or, for a Service,
// its nftables rules; then the object.
#pragma once

#include <string>

#include "base/error.h"
#include "orchestrator/controllers/controllers.h"

namespace podctl {

enum class Cascade { Delete, Orphan };

// env.ref names the object. Pods stop without the root's lock; their cleanup takes it.
// An absent object is ENOENT with kubectl's message.
Status delete_workload(const ControllerEnv& env, Cascade cascade, int64_t grace_seconds);

}  // namespace podctl
