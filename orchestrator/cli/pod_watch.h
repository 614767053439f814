// podctl - waiting for pods without polling: inotify on the pods' directories (status.json is
// renamed into place on every change) and on the namespace (pods coming and going).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/store/root_paths.h"

namespace podctl {

enum class WatchVerdict { kMet, kNotYet, kFailed };

struct WatchResult {
  WatchVerdict verdict = WatchVerdict::kNotYet;
  std::string detail;  // what was seen last (the reason, when failed)
};

// Calls `check(name)` for each pod until every one is met, one fails, or the deadline passes
// (then the result is kNotYet with the last detail). Returns the name it stopped at too.
std::pair<std::string, WatchResult> watch_pods(const RootPaths& root, const std::string& ns,
                                               const std::vector<std::string>& names,
                                               const std::function<WatchResult(const std::string&)>& check,
                                               std::chrono::steady_clock::time_point deadline);

// Calls `check()` whenever a file is renamed into `dir` (a controller's status.json), until it is
// met, fails, or the deadline passes.
WatchResult watch_directory(const std::string& dir, const std::function<WatchResult()>& check,
                            std::chrono::steady_clock::time_point deadline);

}  // namespace podctl
