// podctl - container output in the CRI log format that kubelet tools read:
// "2026-11-29T10:00:00.123456789Z stdout F a line"; a line longer than 16 KiB is split into
// "P" (partial) records. A write error (full disk) drops lines and counts them, never throws.
// Rotation as the kubelet's (containerLogMaxSize, containerLogMaxFiles): past `max_bytes` the file
// N.log becomes N.log.K (K counting up) and a new N.log starts; the oldest files of the container's
// log directory are removed so that at most `max_files` remain.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/unique_fd.h"

namespace podctl {

struct LogLimits {
  int64_t max_bytes = 10 * 1024 * 1024;
  int max_files = 5;
};

class LogWriter {
 public:
  LogWriter() = default;
  LogWriter(const std::string& path, LogLimits limits);
  bool is_open() const { return fd_.valid(); }
  // Feeds raw bytes read from the container's stdout or stderr.
  void feed(bool is_stderr, const char* data, size_t size);
  // The stream closed: a last line without a newline is written as a full line.
  void finish(bool is_stderr);
  size_t dropped() const { return dropped_; }

 private:
  // Records of one chunk are built into one buffer and written with one write(): lines that
  // arrived together share the time podctl received them.
  void record(bool is_stderr, char tag, std::string_view line);
  void flush();
  void rotate();
  std::string now_;  // timestamp of the chunk being written
  std::string batch_;
  std::string path_;
  LogLimits limits_;
  int64_t size_ = 0;
  int rotations_ = 0;
  UniqueFd fd_;
  std::string pending_[2];
  size_t dropped_ = 0;
};

inline constexpr size_t kMaxLogLine = 16 * 1024;

}  // namespace podctl
