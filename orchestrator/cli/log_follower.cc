#include "orchestrator/cli/log_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iostream>

#include "base/files.h"
#include "orchestrator/logs/log_files.h"
#include "orchestrator/output/pod_printer.h"

namespace podctl {

void emit(const LogLine& l, const LogOptions& o) {
  if (o.since && parse_rfc3339(l.time) < o.since) return;
  std::string out = o.prefix;
  if (o.timestamps) out += l.time + " ";
  out += l.text + "\n";
  std::cout << out;
}

void emit_in_time_order(std::vector<TaggedLine>& lines, const std::vector<LogOptions>& streams) {
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first.time < b.first.time; });
  for (const auto& [line, stream] : lines) emit(line, streams[stream]);
  std::cout.flush();
}

void Follower::open_live() {
  fd.reset(::open(live_path().c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  inode = fd && ::fstat(fd.get(), &st) == 0 ? st.st_ino : 0;
}

void Follower::drain(std::vector<LogLine>& out) {
  if (!fd) return;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) parser.feed(std::string(buf, static_cast<size_t>(n)), out);
}

std::vector<LogLine> Follower::read_run(int which) {
  run = which;
  std::vector<LogLine> lines;
  for (const auto& f : run_logs(dir, run))
    if (f.part != INT_MAX)
      if (auto text = read_file(f.path)) parser.feed(*text, lines);
  open_live();
  drain(lines);
  return lines;
}

std::vector<int> Follower::runs() const {
  std::vector<int> out;
  for (const auto& file : list_logs(dir))
    if (out.empty() || out.back() != file.run) out.push_back(file.run);
  return out;
}

void Follower::pump(std::vector<TaggedLine>& out, size_t stream, bool this_run_only) {
  for (;;) {
    std::vector<LogLine> lines;
    drain(lines);
    for (auto& l : lines) out.emplace_back(std::move(l), stream);
    struct stat st {};
    if (::stat(live_path().c_str(), &st) == 0 && st.st_ino != inode) {  // rotated: go on in the new file
      open_live();
      continue;
    }
    if (this_run_only) break;
    auto files = list_logs(dir);
    if (files.empty() || files.back().run <= run) break;
    for (const auto& f : files)  // the container restarted: go on with its next run
      if (f.run > run) {
        run = f.run;
        parser = CriParser();
        open_live();
        break;
      }
  }
}

std::string coloured(const std::string& prefix, size_t n) {
  static const char* const kColours[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m", "\033[31m"};
  if (!::isatty(1) || std::getenv("NO_COLOR")) return prefix;
  size_t text_end = prefix.find_last_not_of(' ') + 1;
  return kColours[n % 6] + prefix.substr(0, text_end) + "\033[0m" + prefix.substr(text_end);
}

}  // namespace podctl
