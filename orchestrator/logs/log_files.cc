#include "orchestrator/logs/log_files.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "base/files.h"

namespace podctl {

std::vector<LogFile> list_logs(const std::string& dir) {
  std::vector<LogFile> out;
  auto names = list_dir(dir);
  if (!names) return out;
  for (const auto& n : *names) {
    auto dot = n.find(".log");
    if (dot == std::string::npos || dot == 0 || n.find_first_not_of("0123456789") != dot) continue;
    LogFile f{std::atoi(n.c_str()), INT_MAX, dir + "/" + n};
    std::string rest = n.substr(dot + 4);
    if (!rest.empty()) {
      if (rest[0] != '.' || rest.size() < 2 || rest.find_first_not_of("0123456789", 1) != std::string::npos) continue;
      f.part = std::atoi(rest.c_str() + 1);
    }
    out.push_back(f);
  }
  std::sort(out.begin(), out.end(),
            [](const LogFile& a, const LogFile& b) { return a.run != b.run ? a.run < b.run : a.part < b.part; });
  return out;
}

std::vector<LogFile> run_logs(const std::string& dir, int run) {
  std::vector<LogFile> out;
  for (const auto& f : list_logs(dir))
    if (f.run == run) out.push_back(f);
  return out;
}

void prune_logs(const std::string& dir, int max_files) {
  if (max_files < 1) return;
  auto files = list_logs(dir);
  for (size_t i = 0; i + static_cast<size_t>(max_files) < files.size(); ++i) ::unlink(files[i].path.c_str());
}

}  // namespace podctl
