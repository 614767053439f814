// Attacks through image content: digests and diff_ids that are paths, archive members that leave
// the archive, and a store index that names a directory outside the store. Each aims at a victim
// directory inside the test's root and checks that podctl refuses with a clear error and that the
// victim is untouched; each control shows that the path the attack names really is the victim.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/security/victim.h"
#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

class ImageAttack : public PodctlTest {
 protected:
  void SetUp() override {
    PodctlTest::SetUp();
    victim_ = std::make_unique<Victim>(env_->root() + "/victim");
  }
  // A `docker save` directory: one layer tar, a config with the given diff_ids, a manifest.json
  // whose Layers name the given members.
  std::string docker_archive(const std::vector<std::string>& diff_ids, const std::vector<std::string>& layers) {
    std::string dir = env_->root() + "/archive";
    write(dir + "/files/hello", "hello\n");
    EXPECT_EQ(sh("tar -C " + dir + "/files -cf " + dir + "/layer.tar hello").rc, 0);
    write(dir + "/config.json", json{{"architecture", "amd64"},
                                     {"os", "linux"},
                                     {"config", json::object()},
                                     {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
                                    .dump());
    write(dir + "/manifest.json",
          json::array({{{"Config", "config.json"}, {"RepoTags", {"evil:1"}}, {"Layers", layers}}}).dump());
    return dir;
  }
  std::unique_ptr<Victim> victim_;
};

TEST_F(ImageAttack, DiffIdThatIsAPathIsRefusedAndImageRmCannotDeleteThroughIt) {
  // The store keeps layers at ROOT/images/layers/<hex>: this diff_id's "hex" is the victim.
  const std::string evil = "sha256:../../victim";
  ASSERT_TRUE(fs::equivalent(env_->root() + "/images/layers/" + evil.substr(7), victim_->dir()))
      << "control: the attack's path is the victim";
  RunResult r = env_->podctl({"image", "import", "evil:1", docker_archive({evil}, {"layer.tar"})});
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("invalid digest \"sha256:../../victim\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rootfs.diff_ids"), std::string::npos) << r.err;
  // The original attack's second step.
  EXPECT_NE(env_->podctl({"image", "rm", "evil:1"}).rc, 0);
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(ImageAttack, StoreIndexNamingADirectoryOutsideTheStoreIsNeitherUsedNorRemoved) {
  // An index written by an older podctl (or by hand) that names a layer by a path.
  std::string index_path = env_->root() + "/images/index.json";
  json index = json::parse(std::ifstream(index_path), nullptr, false);
  ASSERT_TRUE(index.is_object());
  index["images"]["docker.io/library/evil:1"] = {{"id", "sha256:" + std::string(64, 'a')},
                                                 {"layers", {"../../victim"}},
                                                 {"blobs", json::array()},
                                                 {"config", json::object()},
                                                 {"size", 0}};
  std::ofstream(index_path) << index.dump();
  RunResult inspect = env_->podctl({"image", "inspect", "evil:1"});
  EXPECT_NE(inspect.rc, 0);
  EXPECT_NE(inspect.err.find("names a layer that is not a layer id"), std::string::npos) << inspect.err;
  RunResult rm = env_->podctl({"image", "rm", "evil:1"});
  EXPECT_EQ(rm.rc, 0) << rm.err;  // the entry goes; the directory it named stays
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
  EXPECT_EQ(env_->podctl({"image", "prune"}).rc, 0);
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(ImageAttack, OciLayoutDigestThatIsAPathIsRefused) {
  std::string dir = env_->root() + "/layout";
  write(dir + "/oci-layout", R"({"imageLayoutVersion": "1.0.0"})");
  write(dir + "/index.json", json{{"schemaVersion", 2},
                                  {"manifests",
                                   {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                     {"digest", "sha256:../../../victim/precious"},
                                     {"size", 10}}}}}
                                 .dump());
  RunResult r = env_->podctl({"image", "import", "evil:1", dir});
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("invalid digest"), std::string::npos) << r.err;
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(ImageAttack, UnsupportedDigestAlgorithmIsNamedAsSuch) {
  std::string dir = docker_archive({"sha512:" + std::string(128, 'a')}, {"layer.tar"});
  RunResult r = env_->podctl({"image", "import", "evil:1", dir});
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("unsupported digest algorithm"), std::string::npos) << r.err;
}

TEST_F(ImageAttack, DockerArchiveMembersOutsideTheArchiveAreRefused) {
  const std::string diff_id = "sha256:" + std::string(64, 'b');
  std::string archive = docker_archive({diff_id}, {"../victim/precious"});
  ASSERT_TRUE(fs::equivalent(archive + "/../victim/precious", victim_->dir() + "/precious"))
      << "control: the member names the victim";
  RunResult up = env_->podctl({"image", "import", "evil:1", archive});
  EXPECT_NE(up.rc, 0);
  EXPECT_NE(up.err.find("must not contain '..'"), std::string::npos) << up.err;
  // /dev/zero once made an import read forever: inside the archive it names nothing.
  RunResult dev = run_program({"timeout", "30", PODCTL_BINARY, "--root", env_->root(), "image", "import", "evil:1",
                               docker_archive({diff_id}, {"/dev/zero"})});
  EXPECT_NE(dev.rc, 0);
  EXPECT_NE(dev.rc, 124) << "the import hung";
  // A symlink in the archive to a host file is followed only inside the archive.
  std::string dir = docker_archive({diff_id}, {"link.tar"});
  fs::create_symlink("/dev/zero", dir + "/link.tar");
  RunResult link =
      run_program({"timeout", "30", PODCTL_BINARY, "--root", env_->root(), "image", "import", "evil:1", dir});
  EXPECT_NE(link.rc, 0);
  EXPECT_NE(link.rc, 124) << "the import hung";
  EXPECT_TRUE(victim_->intact()) << victim_->damage();
}

TEST_F(ImageAttack, ArchiveTarWithADeviceNodeIsRefused) {
  std::string dir = docker_archive({"sha256:" + std::string(64, 'c')}, {"layer.tar"});
  ASSERT_EQ(sh("mknod " + dir + "/kmsg c 1 11 && tar -C " + dir + " -cf " + env_->root() +
               "/evil.tar manifest.json config.json layer.tar kmsg")
                .rc,
            0);
  RunResult r = env_->podctl({"image", "import", "evil:1", env_->root() + "/evil.tar"});
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("kmsg is not a file, directory or symlink"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace podctl::test
