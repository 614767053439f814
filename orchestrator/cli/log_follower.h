// podctl - reading one container's CRI logs for `podctl logs`: what is there, then (follow) new
// lines across rotations and restarts; and printing them with kubectl's or compose's prefixes.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "orchestrator/logs/cri_parser.h"

namespace podctl {

struct LogOptions {
  bool timestamps = false;
  std::string prefix;     // "[pod/name/container] ", "web | ", or ""
  std::time_t since = 0;  // 0: all
};

void emit(const LogLine& l, const LogOptions& o);

// A line and the stream it came from, for merging several streams in time order.
using TaggedLine = std::pair<LogLine, size_t>;
// RFC 3339 with nanoseconds, all in UTC and of one length: text order is time order.
void emit_in_time_order(std::vector<TaggedLine>& lines, const std::vector<LogOptions>& streams);

// Reads one container's logs: the files of one run (rotated parts, then the live file), and with
// follow, new lines as they come, across rotations and restarts. The live file is read through an
// open fd, so that a rotation (a rename) never loses the lines written just before it.
struct Follower {
  std::string dir;
  LogOptions options;
  int run = -1;
  CriParser parser;
  UniqueFd fd;
  ino_t inode = 0;

  std::string live_path() const { return dir + "/" + std::to_string(run) + ".log"; }
  void open_live();
  void drain(std::vector<LogLine>& out);
  // Everything of `run` so far, oldest first.
  std::vector<LogLine> read_run(int which);
  // The runs on disk, oldest first.
  std::vector<int> runs() const;
  // What was written since the last call, tagged with `stream`; after a restart, the next run's
  // lines too unless `this_run_only` (attach follows one process).
  void pump(std::vector<TaggedLine>& out, size_t stream, bool this_run_only = false);
};

// The colour of the n-th prefix on a terminal (NO_COLOR unset), as docker compose gives them.
std::string coloured(const std::string& prefix, size_t n);

}  // namespace podctl
