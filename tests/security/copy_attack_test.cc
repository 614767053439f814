// Attacks through `podctl cp` from a container: the container runs its own tar (it may be anything),
// so the stream podctl unpacks on the host is the container's to craft. Nothing may land outside
// the destination, through a link, as a device, as a hard link to a host file, or set-id.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "orchestrator/container/copy_stream.h"
#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string path;
  unsigned type = AE_IFREG;
  std::string link;  // symlink target, or hard link target
  unsigned mode = 0644;
  std::string data;
};

class CopyAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    PODCTL_REQUIRE_ROOT();
    char tmpl[] = "/tmp/podctl-sec-copy-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    victim_ = std::make_unique<Victim>(dir_ + "/victim");
    fs::create_directories(dir_ + "/out");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Copies the crafted stream as `data` into out/copy; the error message, or "" when it was taken.
  std::string copy(const std::vector<Entry>& entries) {
    std::string tar = dir_ + "/stream.tar";
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_filename(a, tar.c_str());
    for (const auto& e : entries) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, e.path.c_str());
      if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.link.c_str());
      if (e.type == 0) archive_entry_set_hardlink(entry, e.link.c_str());
      archive_entry_set_filetype(entry, e.type == 0 ? AE_IFREG : e.type);
      if (e.type == AE_IFCHR) archive_entry_set_rdev(entry, makedev(1, 11));
      archive_entry_set_perm(entry, e.mode);
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
      archive_write_header(a, entry);
      if (!e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
      archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
    int fd = ::open(tar.c_str(), O_RDONLY | O_CLOEXEC);
    auto r = extract_copy(fd, "data", dir_ + "/out/copy");
    ::close(fd);
    return r ? "" : r.error().message;
  }
  std::string dir_;
  std::unique_ptr<Victim> victim_;
};

TEST_F(CopyAttack, NamesOutsideTheCopyAreRefused) {
  EXPECT_NE(copy({{"data", AE_IFDIR}, {"data/../../victim/x", AE_IFREG, "", 0644, "pwned"}}).find("refused"),
            std::string::npos);
  EXPECT_NE(copy({{"data", AE_IFDIR}, {dir_ + "/victim/x", AE_IFREG, "", 0644, "pwned"}}).find("refused"),
            std::string::npos);
  EXPECT_NE(copy({{"other/x", AE_IFREG, "", 0644, "pwned"}}).find("not under data"), std::string::npos);
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(CopyAttack, AFileThroughALinkTheStreamMadeIsRefused) {
  std::string error = copy({{"data", AE_IFDIR}, {"data/evil", AE_IFLNK, dir_ + "/victim"},
                            {"data/evil/pwned", AE_IFREG, "", 0644, "pwned"}});
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
  EXPECT_FALSE(fs::exists(dir_ + "/victim/pwned"));
  // The link itself is copied as a link (it points at what the container said; nothing follows it).
  EXPECT_TRUE(fs::is_symlink(dir_ + "/out/copy/evil"));
}

TEST_F(CopyAttack, DevicesHardLinksAndSetIdBitsDoNotReachTheHost) {
  EXPECT_NE(copy({{"data", AE_IFDIR}, {"data/kmsg", AE_IFCHR}}).find("not a file, a directory or a symbolic link"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ + "/out/copy/kmsg"));
  std::string victim_file;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/victim"))
    if (e.is_regular_file()) victim_file = e.path().string();
  ASSERT_FALSE(victim_file.empty());
  EXPECT_NE(copy({{"data", AE_IFDIR}, {"data/h", 0, victim_file}}).find("refused"), std::string::npos);
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
  fs::remove_all(dir_ + "/out/copy");
  EXPECT_EQ(copy({{"data", AE_IFDIR}, {"data/suid", AE_IFREG, "", 04755, "#!/bin/sh\n"}}), "");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/out/copy/suid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

}  // namespace
}  // namespace podctl::test
