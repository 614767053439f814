#include "orchestrator/runtime/log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include "orchestrator/runtime/log_files.h"
#include "orchestrator/store/pod_record.h"

namespace podctl {

LogWriter::LogWriter(const std::string& path, LogLimits limits)
    : path_(path), limits_(limits), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) {}

void LogWriter::rotate() {
  std::string rotated = path_ + "." + std::to_string(++rotations_);
  if (::rename(path_.c_str(), rotated.c_str()) != 0) return;  // keep writing where we are
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  size_ = 0;
  prune_logs(path_.substr(0, path_.rfind('/')), limits_.max_files);
}

void LogWriter::record(bool is_stderr, char tag, const std::string& line) {
  std::string rec = rfc3339_nano_now();
  rec += is_stderr ? " stderr " : " stdout ";
  rec += tag;
  rec += ' ';
  rec += line;
  rec += '\n';
  if (limits_.max_bytes > 0 && size_ > 0 && size_ + static_cast<int64_t>(rec.size()) > limits_.max_bytes) rotate();
  if (!fd_ || ::write(fd_.get(), rec.data(), rec.size()) != static_cast<ssize_t>(rec.size())) ++dropped_;
  else size_ += static_cast<int64_t>(rec.size());
}

void LogWriter::feed(bool is_stderr, const char* data, size_t size) {
  std::string& pending = pending_[is_stderr];
  pending.append(data, size);
  size_t start = 0;
  for (;;) {
    size_t nl = pending.find('\n', start);
    if (nl == std::string::npos) break;
    record(is_stderr, 'F', pending.substr(start, nl - start));
    start = nl + 1;
  }
  pending.erase(0, start);
  while (pending.size() >= kMaxLogLine) {
    record(is_stderr, 'P', pending.substr(0, kMaxLogLine));
    pending.erase(0, kMaxLogLine);
  }
}

void LogWriter::finish(bool is_stderr) {
  std::string& pending = pending_[is_stderr];
  if (!pending.empty()) record(is_stderr, 'F', pending);
  pending.clear();
}

}  // namespace podctl
