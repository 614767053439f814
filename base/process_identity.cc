#include "base/process_identity.h"

#include <cstdio>
#include <sstream>
#include <string>

#include "base/files.h"

namespace podctl {

std::optional<uint64_t> process_start_time(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(text->substr(close + 2));
  std::string field;
  // After ')' the fields start at field 3 (state); the start time is field 22.
  for (int i = 3; i <= 22; ++i) {
    if (!(in >> field)) return std::nullopt;
  }
  return std::stoull(field);
}

std::optional<ProcessIdentity> identify_process(pid_t pid) {
  auto st = process_start_time(pid);
  if (!st) return std::nullopt;
  return ProcessIdentity{pid, *st};
}

bool process_alive(const ProcessIdentity& id) {
  if (id.pid <= 0) return false;
  auto st = process_start_time(id.pid);
  if (!st || *st != id.start_time) return false;
  // A zombie has exited: it only waits for a parent (or an init that may never reap) to collect it.
  auto text = read_file("/proc/" + std::to_string(id.pid) + "/stat");
  auto close = text ? text->rfind(')') : std::string::npos;
  if (close == std::string::npos || close + 2 >= text->size()) return false;
  char state = (*text)[close + 2];
  return state != 'Z' && state != 'X';
}

Status write_process_identity(const std::string& path, const ProcessIdentity& id) {
  return write_file_atomic(path, std::to_string(id.pid) + " " + std::to_string(id.start_time) + "\n");
}

std::optional<ProcessIdentity> read_process_identity(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  ProcessIdentity id;
  unsigned long long start = 0;
  if (std::sscanf(text->c_str(), "%d %llu", &id.pid, &start) != 2) return std::nullopt;
  id.start_time = start;
  return id;
}

}  // namespace podctl
