// podctl security tests - a victim directory: what an attack must not touch. It lives under the
// test's own temporary directory (never /, never a real host path), holds files, a directory and
// a file in it, and remembers everything about them (names, types, modes, contents, xattrs), so
// that any change an attack makes (a file deleted, written, created, an xattr set) is seen.
#pragma once

#include <string>

namespace podctl::test {

class Victim {
 public:
  // Creates `dir` (which must not exist) with its contents.
  explicit Victim(std::string dir);
  const std::string& dir() const { return dir_; }
  // True when nothing in the tree changed since it was made.
  bool intact() const;
  // What changed, for a failure message: the old and the new listing.
  std::string damage() const;

 private:
  std::string snapshot() const;
  std::string dir_;
  std::string original_;
};

}  // namespace podctl::test
