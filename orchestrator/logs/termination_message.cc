#include "orchestrator/logs/termination_message.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "base/unique_fd.h"
#include "orchestrator/logs/cri_parser.h"
#include "orchestrator/logs/log_files.h"

namespace podctl {
namespace {

// At most `limit` bytes from `offset` of a regular file; nothing for anything else.
std::string read_at_most(const std::string& path, size_t limit, bool from_end) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  off_t size = st.st_size;
  off_t offset = from_end && size > static_cast<off_t>(limit) ? size - static_cast<off_t>(limit) : 0;
  std::string out(limit, '\0');
  ssize_t n = ::pread(fd.get(), out.data(), limit, offset);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  if (offset > 0) {  // cut in the middle of a record: start at the next one
    auto nl = out.find('\n');
    out.erase(0, nl == std::string::npos ? out.size() : nl + 1);
  }
  return out;
}

std::string log_tail(const std::string& log_dir, int run) {
  std::deque<std::string> lines;
  for (const auto& f : run_logs(log_dir, run)) {
    std::vector<LogLine> parsed;
    CriParser parser;
    parser.feed(read_at_most(f.path, 64 * 1024, true), parsed);
    for (auto& l : parsed) {
      lines.push_back(std::move(l.text));
      if (lines.size() > kMaxTerminationLogLines) lines.pop_front();
    }
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  if (text.size() > kMaxTerminationLogBytes) text.erase(0, text.size() - kMaxTerminationLogBytes);
  return text;
}

}  // namespace

std::string termination_message(const std::string& file, const std::string& policy, int exit_code,
                                 const std::string& log_dir, int run) {
  std::string message = read_at_most(file, kMaxTerminationMessageBytes, false);
  if (message.empty() && policy == "FallbackToLogsOnError" && exit_code != 0) return log_tail(log_dir, run);
  return message;
}

}  // namespace podctl
