#include "orchestrator/logs/log_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "orchestrator/logs/log_files.h"
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

void LogWriter::flush() {
  if (batch_.empty()) return;
  if (!fd_ || ::write(fd_.get(), batch_.data(), batch_.size()) != static_cast<ssize_t>(batch_.size())) {
    dropped_ += static_cast<size_t>(std::count(batch_.begin(), batch_.end(), '\n'));
  } else {
    size_ += static_cast<int64_t>(batch_.size());
  }
  batch_.clear();
}

void LogWriter::record(bool is_stderr, char tag, std::string_view line) {
  size_t length = now_.size() + 10 + line.size();
  // Rotation happens between records, so no file grows past the limit (but for one huge record).
  if (limits_.max_bytes > 0 && size_ + static_cast<int64_t>(batch_.size() + length) > limits_.max_bytes &&
      size_ + static_cast<int64_t>(batch_.size()) > 0) {
    flush();
    if (size_ > 0) rotate();
  }
  batch_ += now_;
  batch_ += is_stderr ? " stderr " : " stdout ";
  batch_ += tag;
  batch_ += ' ';
  batch_ += line;
  batch_ += '\n';
}

void LogWriter::feed(bool is_stderr, const char* data, size_t size) {
  now_ = rfc3339_nano_now();
  std::string& pending = pending_[is_stderr];
  pending.append(data, size);
  std::string_view rest(pending);
  for (size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1))
    record(is_stderr, 'F', rest.substr(0, nl));
  while (rest.size() >= kMaxLogLine) {
    record(is_stderr, 'P', rest.substr(0, kMaxLogLine));
    rest.remove_prefix(kMaxLogLine);
  }
  pending.erase(0, pending.size() - rest.size());
  flush();
}

void LogWriter::finish(bool is_stderr) {
  std::string& pending = pending_[is_stderr];
  if (!pending.empty()) {
    now_ = rfc3339_nano_now();
    record(is_stderr, 'F', pending);
    flush();
  }
  pending.clear();
}

}  // namespace podctl
