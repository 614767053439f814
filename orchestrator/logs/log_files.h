// podctl - the log files of one container: N.log for its N-th run, and N.log.K for what rotation
// moved aside (K counting up). Oldest first: by run, then rotated parts, then the live file.
#pragma once

#include <string>
#include <vector>

namespace podctl {

struct LogFile {
  int run = 0;
  int part = 0;  // rotation number; the live N.log sorts last (part = INT_MAX)
  std::string path;
};

std::vector<LogFile> list_logs(const std::string& dir);
// The files of one run, oldest first.
std::vector<LogFile> run_logs(const std::string& dir, int run);
// Removes the oldest files until at most `max_files` remain (the newest run's live file stays).
void prune_logs(const std::string& dir, int max_files);

}  // namespace podctl
