// podctl get -w / --watch-only: the objects listed again whenever the store changes (inotify on
// the pods', objects' and controllers' directories: every change is a file renamed into place),
// and a line printed for each object that appeared, changed or went away, as kubectl's watch does.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/store/root_paths.h"

namespace podctl {

struct WatchedObject {
  std::string key;  // namespace/name
  nlohmann::json object;
};

using ListObjects = std::function<Result<std::vector<WatchedObject>>()>;
// Called with the object's new state, or with its last one when it went away (deleted).
using ObjectChanged = std::function<void(const WatchedObject&, bool deleted)>;

// Runs until SIGINT or SIGTERM (then 0). `seen` is what was already printed (empty for
// --watch-only). A listing that fails ends the watch with its error.
int watch_store(const RootPaths& root, const ListObjects& list, const ObjectChanged& changed,
                std::vector<WatchedObject> seen);

}  // namespace podctl
