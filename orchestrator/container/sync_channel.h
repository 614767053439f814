// podctl - the parent/child handshake over a SOCK_SEQPACKET socketpair (nsjail's CLOEXEC trick,
// crun's error records): the child reports {errno, step} on failure; EOF means exec happened.
#pragma once

#include "base/error.h"
#include "base/unique_fd.h"

namespace podctl {

class SyncChannel {
 public:
  static Result<SyncChannel> create();

  // --- parent side ---
  // Call right after clone: closes the child's end in the parent.
  void close_child_end() { child_.reset(); }
  Status send_go();
  // Waits for the child's exec (EOF) or its error record, which becomes the Error.
  Status expect_exec();

  // --- child side (async-signal-safe, no allocation) ---
  void close_parent_end_in_child() { parent_.reset(); }
  bool wait_go_in_child();
  // Sends "step: strerror(err)" (or `detail`, a complete message) to the parent, then _exit(127).
  [[noreturn]] void fail_in_child(const char* step, int err, const char* detail = nullptr);

 private:
  UniqueFd parent_;
  UniqueFd child_;
};

}  // namespace podctl
