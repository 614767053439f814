#include <gtest/gtest.h>

#include "manifests/quantity.h"

namespace podctl::manifest {
namespace {

int64_t milli(const char* text) {
  std::string why;
  auto q = parse_quantity(text, &why);
  EXPECT_TRUE(q) << text << ": " << why;
  return q ? q->milli : -1;
}

TEST(Quantity, ParsesAsKubernetesDoes) {
  EXPECT_EQ(milli("500m"), 500);
  EXPECT_EQ(milli("1"), 1000);
  EXPECT_EQ(milli("0.5"), 500);
  EXPECT_EQ(milli("1.5"), 1500);
  EXPECT_EQ(milli("128Mi"), 128LL * 1024 * 1024 * 1000);
  EXPECT_EQ(milli("1Gi"), 1024LL * 1024 * 1024 * 1000);
  EXPECT_EQ(milli("1G"), 1'000'000'000LL * 1000);
  EXPECT_EQ(milli("1k"), 1'000'000);
  EXPECT_EQ(milli("1e3"), 1'000'000);
  EXPECT_EQ(milli("1E-3"), 1);
  EXPECT_EQ(milli("+2"), 2000);
  EXPECT_EQ(milli("-1"), -1000);
}

TEST(Quantity, RoundsMilliValueUp) {
  EXPECT_EQ(milli("1u"), 1);  // 0.001 milli rounds up to 1
  EXPECT_EQ(milli("1n"), 1);
  EXPECT_EQ(milli("1.0001m"), 2);
}

TEST(Quantity, ValueRoundsUp) {
  std::string why;
  EXPECT_EQ(parse_quantity("1500m", &why)->value(), 2);
  EXPECT_EQ(parse_quantity("64Mi", &why)->value(), 64 * 1024 * 1024);
}

TEST(Quantity, RejectsWhatKubernetesRejects) {
  for (const char* bad : {"", "abc", "1KB", "1K", "1.2.3", "Mi", "1 Mi", "1e", "12XB", "1e1000"}) {
    std::string why;
    EXPECT_FALSE(parse_quantity(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(Quantity, TooLargeIsAnErrorNotAWrap) {
  std::string why;
  EXPECT_FALSE(parse_quantity("100Ei", &why));
  EXPECT_EQ(why, "quantity is too large");
}

}  // namespace
}  // namespace podctl::manifest
