#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "base/duration.h"
#include "base/error.h"
#include "base/file_lock.h"
#include "base/files.h"
#include "base/process_identity.h"
#include "base/unique_fd.h"
#include "orchestrator/container/child_process.h"
#include "orchestrator/container/sync_channel.h"

namespace podctl {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

TEST(Error, WrapPrependsContextAndKeepsErrno) {
  Error e = sys_error("open /x", ENOENT).wrap("start container web");
  EXPECT_EQ(e.code, ENOENT);
  EXPECT_EQ(e.message, "start container web: open /x: No such file or directory");
}

Status fails_inside() {
  PODCTL_TRY_CTX(Status(fail(make_error("inner"))), "outer");
  return {};
}

TEST(Error, TryMacrosReturnEarlyWithContext) {
  auto st = fails_inside();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "outer: inner");
}

TEST(UniqueFd, ClosesOnDestructionAndMove) {
  int raw;
  {
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    raw = fd.get();
    UniqueFd moved = std::move(fd);
    EXPECT_FALSE(fd.valid());
    EXPECT_EQ(moved.get(), raw);
    EXPECT_NE(::fcntl(raw, F_GETFD), -1);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(Files, AtomicWriteReplacesWholeFile) {
  std::string p = temp_path("podctl-atomic");
  ASSERT_TRUE(write_file_atomic(p, "one"));
  ASSERT_TRUE(write_file_atomic(p, "two"));
  EXPECT_EQ(*read_file(p), "two");
  EXPECT_FALSE(path_exists(p + ".tmp." + std::to_string(::getpid())));
  ::unlink(p.c_str());
}

TEST(Files, RemoveTreeIsIdempotent) {
  std::string d = temp_path("podctl-tree");
  ASSERT_TRUE(make_dirs(d + "/a/b"));
  ASSERT_TRUE(write_file_atomic(d + "/a/b/f", "x"));
  ASSERT_TRUE(remove_tree(d));
  EXPECT_FALSE(path_exists(d));
  EXPECT_TRUE(remove_tree(d));
}

TEST(FileLock, SecondLockerWaits) {
  std::string p = temp_path("podctl-lock");
  auto lock = FileLock::acquire(p);
  ASSERT_TRUE(lock);
  pid_t child = ::fork();
  if (child == 0) {
    // The child must block; it reports with its exit code whether it got the lock too early.
    int fd = ::open(p.c_str(), O_RDWR);
    ::_exit(::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 1 : 0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::unlink(p.c_str());
}

TEST(ProcessIdentity, ARecycledPidIsNotOurProcess) {
  auto self = identify_process(::getpid());
  ASSERT_TRUE(self);
  EXPECT_TRUE(process_alive(*self));
  ProcessIdentity other = *self;
  other.start_time += 1;
  EXPECT_FALSE(process_alive(other));
}

TEST(ChildProcess, KillsAndReapsUnlessReleased) {
  pid_t pid;
  {
    ChildProcess child;
    auto r = clone3_process({}, child);
    ASSERT_TRUE(r);
    if (*r == 0) {
      ::pause();
      ::_exit(0);
    }
    pid = child.pid();
    // A move must not kill: only the last owner does.
    ChildProcess moved(std::move(child));
    EXPECT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(SyncChannel, EofMeansExecAndErrorsCrossTheFork) {
  for (bool succeed : {true, false}) {
    auto sync = SyncChannel::create();
    ASSERT_TRUE(sync);
    ChildProcess child;
    auto r = clone3_process({}, child);
    ASSERT_TRUE(r);
    if (*r == 0) {
      sync->close_parent_end_in_child();
      if (!sync->wait_go_in_child()) ::_exit(3);
      if (succeed) {
        char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
        ::execv(argv[0], argv);
      }
      sync->fail_in_child("mount /proc", EPERM);
    }
    sync->close_child_end();
    ASSERT_TRUE(sync->send_go());
    auto st = sync->expect_exec();
    if (succeed) {
      EXPECT_TRUE(st) << st.error().message;
    } else {
      ASSERT_FALSE(st);
      EXPECT_EQ(st.error().code, EPERM);
      EXPECT_EQ(st.error().message, "mount /proc: Operation not permitted");
    }
  }
}

}  // namespace
}  // namespace podctl

namespace podctl {
namespace {

TEST(Duration, ParsesWhatKubectlTakes) {
  EXPECT_EQ(parse_duration_ms("30s"), 30'000);
  EXPECT_EQ(parse_duration_ms("5m"), 300'000);
  EXPECT_EQ(parse_duration_ms("1h30m"), 5'400'000);
  EXPECT_EQ(parse_duration_ms("500ms"), 500);
  EXPECT_EQ(parse_duration_ms("1.5s"), 1'500);
  EXPECT_EQ(parse_duration_ms("20"), 20'000);  // a bare number is seconds
  EXPECT_EQ(parse_duration_ms("0"), 0);
  EXPECT_FALSE(parse_duration_ms(""));
  EXPECT_FALSE(parse_duration_ms("5x"));
  EXPECT_FALSE(parse_duration_ms("-1s"));
  EXPECT_FALSE(parse_duration_ms("1m30"));
  EXPECT_FALSE(parse_duration_ms("s"));
}

}  // namespace
}  // namespace podctl
