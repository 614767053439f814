// Attacks through a layer's entries: a symlink the layer makes, then whiteouts and files through
// it. Unpacking must stay beneath the layer directory for every step, whiteouts included.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <filesystem>

#include "orchestrator/image/layer_unpack.h"
#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string path;
  std::string symlink;  // a symlink to this when set, else an empty regular file
};

void write_layer(const std::string& path, const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, path.c_str());
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, e.symlink.empty() ? AE_IFREG : AE_IFLNK);
    if (!e.symlink.empty()) archive_entry_set_symlink(entry, e.symlink.c_str());
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, 0);
    archive_write_header(a, entry);
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

class LayerAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    PODCTL_REQUIRE_ROOT();
    char tmpl[] = "/tmp/podctl-sec-layer-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    victim_ = std::make_unique<Victim>(dir_ + "/victim");
    fs::create_directories(dir_ + "/layer");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Unpacks the entries; returns the error message ("" on success).
  std::string unpack(const std::vector<Entry>& entries) {
    write_layer(dir_ + "/layer.tar", entries);
    auto r = unpack_layer(dir_ + "/layer.tar", dir_ + "/layer");
    return r ? "" : r.error().message;
  }
  std::string dir_;
  std::unique_ptr<Victim> victim_;
};

TEST_F(LayerAttack, WhiteoutThroughASymlinkTheLayerMadeIsRefused) {
  std::string error = unpack({{"evil", victim_->dir()}, {"evil/.wh.precious", ""}});
  ASSERT_TRUE(fs::is_symlink(dir_ + "/layer/evil"));
  ASSERT_TRUE(fs::equivalent(dir_ + "/layer/evil/precious", victim_->dir() + "/precious"))
      << "control: the path reaches the victim";
  EXPECT_NE(error.find("is a symlink or leaves the layer"), std::string::npos) << error;
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(LayerAttack, NewWhiteoutThroughASymlinkIsRefused) {
  std::string error = unpack({{"evil", victim_->dir()}, {"evil/.wh.x", ""}});
  EXPECT_NE(error.find("leaves the layer"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(fs::symlink_status(victim_->dir() + "/x")));
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(LayerAttack, OpaqueMarkThroughASymlinkIsRefused) {
  std::string error = unpack({{"evil", victim_->dir()}, {"evil/.wh..wh..opq", ""}});
  EXPECT_NE(error.find("leaves the layer"), std::string::npos) << error;
  char value[8];
  EXPECT_LT(::getxattr(victim_->dir().c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(LayerAttack, FileThroughASymlinkStaysInTheLayerAndDotDotEntriesAreRefused) {
  // libarchive (secure symlinks with unlink) replaces the layer's own symlink by a directory: the
  // file lands in the layer, never in the victim.
  unpack({{"evil", victim_->dir()}, {"evil/planted", ""}});
  EXPECT_FALSE(fs::exists(fs::symlink_status(victim_->dir() + "/planted")));
  EXPECT_NE(unpack({{"../victim/planted", ""}}), "");
  EXPECT_NE(unpack({{"a/../../victim/.wh.precious", ""}}), "");
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(LayerAttack, OrdinaryWhiteoutsStillWork) {
  EXPECT_EQ(unpack({{"etc/.wh.gone", ""}, {"var/cache/.wh..wh..opq", ""}}), "");
  struct stat st {};
  ASSERT_EQ(::lstat((dir_ + "/layer/etc/gone").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  char value[8] = {};
  EXPECT_EQ(::getxattr((dir_ + "/layer/var/cache").c_str(), "trusted.overlay.opaque", value, sizeof value), 1);
}

}  // namespace
}  // namespace podctl::test
