// A project's namespace from the nearest .podctl file, as compose takes a project from its directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/cli/project_file.h"

namespace podctl {
namespace {

namespace fs = std::filesystem;

class ProjectFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    top_ = fs::temp_directory_path() / ("podctl-project-" + std::to_string(::getpid()));
    fs::create_directories(top_ / "shop/services/api");
  }
  void TearDown() override { fs::remove_all(top_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(top_ / name) << text; }
  std::string found_in(const std::string& dir) {
    auto p = find_project_file((top_ / dir).string());
    if (!p) return "error: " + p.error().message;
    return *p ? (*p)->ns + " from " + fs::path((*p)->path).lexically_relative(top_).string() : "none";
  }
  fs::path top_;
};

TEST_F(ProjectFiles, TheNearestFileUpTheTreeNamesTheNamespace) {
  write("shop/.podctl", "namespace: shop\n");
  EXPECT_EQ(found_in("shop/services/api"), "shop from shop/.podctl");
  EXPECT_EQ(found_in("shop"), "shop from shop/.podctl");
  write("shop/services/.podctl", "# the services alone\nnamespace: shop-services\n");
  EXPECT_EQ(found_in("shop/services/api"), "shop-services from shop/services/.podctl");
}

TEST_F(ProjectFiles, WhatIsNotANamespaceIsAnErrorNamingTheFile) {
  std::string file = (top_ / "shop/.podctl").string();
  write("shop/.podctl", "namespace: Shop_1\n");
  EXPECT_EQ(found_in("shop").rfind("error: " + file + ": namespace: \"Shop_1\": ", 0), 0u) << found_in("shop");
  write("shop/.podctl", "namespace: shop\nproject: x\n");
  EXPECT_EQ(found_in("shop"), "error: " + file + ": unknown field \"project\" (a .podctl file holds only namespace)");
  write("shop/.podctl", "- shop\n");
  EXPECT_EQ(found_in("shop"), "error: " + file + ": expected a mapping such as \"namespace: shop\"");
  write("shop/.podctl", "namespace:\n");
  EXPECT_EQ(found_in("shop"), "error: " + file + ": namespace: Required value");
  write("shop/.podctl", "namespace: [a\n");
  EXPECT_EQ(found_in("shop").rfind("error: " + file + ": not YAML: ", 0), 0u) << found_in("shop");
}

}  // namespace
}  // namespace podctl
