#include <gtest/gtest.h>

#include "orchestrator/output/unified_diff.h"

namespace podctl {
namespace {

TEST(UnifiedDiff, EqualTextsHaveNoDiff) { EXPECT_EQ(unified_diff("a", "x\ny\n", "b", "x\ny\n"), ""); }

TEST(UnifiedDiff, AChangedLineWithContextAsDiffPrintsIt) {
  std::string from = "1\n2\n3\n4\n5\n6\n7\n8\n", to = "1\n2\n3\n4\nfive\n6\n7\n8\n";
  EXPECT_EQ(unified_diff("live", from, "merged", to),
            "--- live\n+++ merged\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, AddedAndRemovedLinesAndSeparateHunks) {
  std::string from = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n", to = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
  EXPECT_EQ(unified_diff("x", from, "y", to), "--- x\n+++ y\n@@ -10,3 +10,4 @@\n j\n k\n l\n+m\n");
  EXPECT_EQ(unified_diff("x", "", "y", "new\n"), "--- x\n+++ y\n@@ -0,0 +1 @@\n+new\n");
  std::string two = unified_diff("x", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "y", "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n");
  EXPECT_EQ(two, "--- x\n+++ y\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n");
}

}  // namespace
}  // namespace podctl
