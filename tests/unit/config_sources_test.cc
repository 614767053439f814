// The data of `create configmap|secret`, read as kubectl reads its --from-* sources.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/cli/config_sources.h"

namespace podctl {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> only_home(const std::string& key) {
  return key == "HOME" ? std::optional<std::string>("/home/me") : std::nullopt;
}

TEST(EnvFile, LinesCommentsBlanksAndNamesTakenFromTheEnvironment) {
  auto entries = parse_env_file("\xEF\xBB\xBF" "A=1\n# a comment\n\n  B=\"two\"\r\nC=x=y\nHOME\nUNSET\nEMPTY=\n", "app.env",
                                only_home);
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ(*entries, (Entries{{"A", "1"}, {"B", "\"two\""}, {"C", "x=y"}, {"HOME", "/home/me"}, {"EMPTY", ""}}));
}

TEST(EnvFile, AnInvalidNameIsRefusedWithItsLine) {
  auto entries = parse_env_file("A=1\n1X=2\n", "app.env", only_home);
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().message.rfind("app.env:2: \"1X\" is not a valid key name", 0), 0u) << entries.error().message;
}

class Sources : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("podctl-sources-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "conf");
    write("conf/app.properties", "color=blue\n");
    write("conf/logo.bin", std::string("\x89PNG\xff", 5));
    write("conf/not a key", "skipped");
    std::filesystem::create_directories(dir_ / "conf/sub");
    std::filesystem::create_symlink("/etc/hostname", dir_ / "conf/link");
    write("app.env", "MODE=dev\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) { std::ofstream(dir_ / name) << content; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(Sources, LiteralsFilesAndADirectorysRegularFilesWithValidNames) {
  ConfigSources s{{"a=1", "b=x=y"}, {path("conf"), "renamed=" + path("conf/app.properties")}, {}};
  auto data = read_config_sources(s, only_home);
  ASSERT_TRUE(data) << data.error().message;
  std::map<std::string, std::string> want{{"a", "1"},
                                          {"b", "x=y"},
                                          {"app.properties", "color=blue\n"},
                                          {"logo.bin", std::string("\x89PNG\xff", 5)},
                                          {"renamed", "color=blue\n"}};
  EXPECT_EQ(*data, want);
}

TEST_F(Sources, WhatKubectlRefuses) {
  auto message = [&](ConfigSources s) {
    auto data = read_config_sources(s, only_home);
    return data ? std::string("accepted") : data.error().message;
  };
  EXPECT_EQ(message({{"a=1", "a=2"}, {}, {}}), "cannot add key \"a\", another key by that name already exists");
  EXPECT_EQ(message({{"novalue"}, {}, {}}), "--from-literal=novalue: expected KEY=VALUE");
  EXPECT_EQ(message({{"=v"}, {}, {}}), "--from-literal==v: expected KEY=VALUE");
  EXPECT_EQ(message({{"a=1"}, {}, {path("app.env")}}), "from-env-file cannot be combined with from-file or from-literal");
  EXPECT_EQ(message({{}, {"=" + path("app.env")}, {}}).find("key names or file paths cannot be empty") != std::string::npos,
            true);
  EXPECT_EQ(message({{}, {"/dev/null"}, {}}), "/dev/null: not a regular file");
  EXPECT_NE(message({{}, {path("missing")}, {}}).find("No such file or directory"), std::string::npos);
  EXPECT_NE(message({{}, {"bad key=" + path("app.env")}, {}}).find("is not a valid key name"), std::string::npos);
  std::filesystem::resize_file(path("app.env"), 1024 * 1024 + 1);
  EXPECT_NE(message({{}, {path("app.env")}, {}}).find("too long"), std::string::npos);
}

TEST(Utf8, TextGoesToDataAndOtherBytesToBinaryData) {
  EXPECT_TRUE(valid_utf8("plain ascii\n"));
  EXPECT_TRUE(valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xFF\xFE"));
  EXPECT_FALSE(valid_utf8("\xC3"));              // cut short
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\xE2\x28\xA1"));      // a bad continuation byte
}

}  // namespace
}  // namespace podctl
