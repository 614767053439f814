#include <gtest/gtest.h>

#include "orchestrator/plan/backoff.h"

namespace podctl::plan {
namespace {

const BackoffPolicy kKubelet{10'000, 300'000};

TEST(Backoff, FirstRestartIsImmediate) { EXPECT_FALSE(in_backoff(std::nullopt, kKubelet, 1'000, 1'000)); }

TEST(Backoff, DoublesFromTenSecondsToTheCap) {
  std::optional<BackoffEntry> e;
  Millis t = 0;
  std::vector<Millis> delays;
  for (int crash = 0; crash < 8; ++crash) {
    e = next_backoff(e, kKubelet, t, t);
    delays.push_back(e->delay);
    t += e->delay;  // crash again right after each restart
  }
  EXPECT_EQ(delays, (std::vector<Millis>{10'000, 20'000, 40'000, 80'000, 160'000, 300'000, 300'000, 300'000}));
}

TEST(Backoff, HoldsUntilTheWindowFromTheExitEnds) {
  BackoffEntry e{20'000, 100'000};
  EXPECT_TRUE(in_backoff(e, kKubelet, 110'000, 110'000));
  EXPECT_TRUE(in_backoff(e, kKubelet, 110'000, 129'999));
  EXPECT_FALSE(in_backoff(e, kKubelet, 110'000, 130'000));
  EXPECT_EQ(backoff_ends(e, 110'000), 130'000);
}

TEST(Backoff, ResetsAfterTwiceTheCapWithoutAnUpdate) {
  BackoffEntry e{300'000, 0};
  EXPECT_FALSE(in_backoff(e, kKubelet, 600'001, 600'001));
  EXPECT_EQ(next_backoff(e, kKubelet, 600'001, 600'001).delay, 10'000);
  EXPECT_EQ(next_backoff(e, kKubelet, 599'000, 599'000).delay, 300'000);
}

TEST(Backoff, ParsesThePolicyFlag) {
  EXPECT_EQ(parse_backoff_policy("10s:300s"), (BackoffPolicy{10'000, 300'000}));
  EXPECT_EQ(parse_backoff_policy("500ms:5s"), (BackoffPolicy{500, 5'000}));
  EXPECT_EQ(parse_backoff_policy("1s:1m"), (BackoffPolicy{1'000, 60'000}));
  EXPECT_FALSE(parse_backoff_policy("10s"));
  EXPECT_FALSE(parse_backoff_policy("5s:1s"));
  EXPECT_FALSE(parse_backoff_policy("0s:1s"));
  EXPECT_FALSE(parse_backoff_policy("ten:300s"));
}

}  // namespace
}  // namespace podctl::plan
