#include "tests/security/victim.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
}

std::string xattrs_of(const std::string& path) {
  char names[4096];
  ssize_t n = ::llistxattr(path.c_str(), names, sizeof names);
  std::string out;
  for (ssize_t at = 0; n > 0 && at < n; at += static_cast<ssize_t>(std::strlen(names + at)) + 1)
    out += std::string(names + at) + ",";
  return out;
}

}  // namespace

Victim::Victim(std::string dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_ + "/inner");
  write(dir_ + "/precious", "precious data\n");
  write(dir_ + "/inner/keep", "keep me\n");
  ::chmod((dir_ + "/precious").c_str(), 0640);
  original_ = snapshot();
}

std::string Victim::snapshot() const {
  std::vector<std::string> lines;
  std::error_code ec;
  struct stat top {};
  if (::lstat(dir_.c_str(), &top) != 0) return "(gone)";
  lines.push_back(". " + std::to_string(top.st_mode) + " " + xattrs_of(dir_));
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string p = it->path().string();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    std::string line = p.substr(dir_.size()) + " " + std::to_string(st.st_mode) + " " + std::to_string(st.st_size) +
                       " " + std::to_string(st.st_rdev) + " " + xattrs_of(p);
    if (S_ISREG(st.st_mode)) {
      std::ifstream in(p);
      std::stringstream content;
      content << in.rdbuf();
      line += " " + content.str();
    }
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

bool Victim::intact() const { return snapshot() == original_; }

std::string Victim::damage() const { return "victim before:\n" + original_ + "victim now:\n" + snapshot(); }

}  // namespace podctl::test
