// A layer with OCI whiteouts unpacks into what overlayfs understands, and stacked under an
// overlay mount the whited-out file and the opaque directory's old content are gone.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/image/layer_unpack.h"
#include "tests/support/podctl_env.h"

namespace podctl {
namespace {

namespace fs = std::filesystem;

void write_tar(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open_filename(a, path.c_str());
  for (const auto& [name, content] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    bool dir = name.back() == '/';
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    if (!dir) archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string read(const std::string& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(LayerUnpack, WhiteoutsBecomeOverlayWhiteoutsAndHideTheLowerLayer) {
  PODCTL_REQUIRE_ROOT();
  // A mount namespace of this test's own: the overlay can never stay behind on the host.
  ASSERT_EQ(::unshare(CLONE_NEWNS), 0);
  ASSERT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
  char tmpl[] = "/tmp/podctl-layer-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  write_tar(dir + "/lower.tar.gz",
            {{"etc/", ""}, {"etc/keep", "keep"}, {"etc/gone", "gone"}, {"cache/", ""}, {"cache/old", "old"}});
  write_tar(dir + "/upper.tar.gz", {{"etc/.wh.gone", ""}, {"cache/.wh..wh..opq", ""}, {"cache/new", "new"}});
  for (const char* l : {"lower", "upper"}) fs::create_directories(dir + "/" + l);
  ASSERT_TRUE(unpack_layer(dir + "/lower.tar.gz", dir + "/lower").has_value());
  auto unpacked = unpack_layer(dir + "/upper.tar.gz", dir + "/upper");
  ASSERT_TRUE(unpacked.has_value()) << unpacked.error().message;
  // The diff_id is the digest of the uncompressed tar, computed in the same pass.
  EXPECT_EQ(*unpacked, layer_diff_id(dir + "/upper.tar.gz").value_or(""));
  struct stat st {};
  ASSERT_EQ(::lstat((dir + "/upper/etc/gone").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  char value[8] = {};
  EXPECT_EQ(::getxattr((dir + "/upper/cache").c_str(), "trusted.overlay.opaque", value, sizeof value), 1);
  EXPECT_EQ(std::string(value), "y");
  EXPECT_FALSE(fs::exists(dir + "/upper/etc/.wh.gone"));
  // Stacked, as a container's root is.
  fs::create_directories(dir + "/merged");
  fs::create_directories(dir + "/work");
  fs::create_directories(dir + "/rw");
  std::string options = "lowerdir=" + dir + "/upper:" + dir + "/lower,upperdir=" + dir + "/rw,workdir=" + dir + "/work";
  ASSERT_EQ(::mount("overlay", (dir + "/merged").c_str(), "overlay", 0, options.c_str()), 0) << std::strerror(errno);
  EXPECT_EQ(read(dir + "/merged/etc/keep"), "keep");
  EXPECT_FALSE(fs::exists(dir + "/merged/etc/gone"));
  EXPECT_FALSE(fs::exists(dir + "/merged/cache/old"));
  EXPECT_EQ(read(dir + "/merged/cache/new"), "new");
  ::umount2((dir + "/merged").c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace podctl
