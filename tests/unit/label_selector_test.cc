// kubectl's -l selector text, read as labels.Parse reads it, and evaluated as the API server does.
#include "manifests/label_selector.h"

#include <gtest/gtest.h>

namespace podctl::manifest {
namespace {

bool matches(const std::string& text, const std::map<std::string, std::string>& labels) {
  std::string why;
  auto s = parse_selector(text, &why);
  EXPECT_TRUE(s) << text << ": " << why;
  return s && selector_matches(*s, labels);
}

TEST(LabelSelectorText, EveryOperatorOfKubectl) {
  const std::map<std::string, std::string> web = {{"app", "web"}, {"tier", "front"}};
  EXPECT_TRUE(matches("app=web", web));
  EXPECT_TRUE(matches("app==web", web));
  EXPECT_FALSE(matches("app=db", web));
  EXPECT_TRUE(matches("app!=db", web));
  EXPECT_TRUE(matches("env!=prod", web));  // a missing label is not equal to anything
  EXPECT_TRUE(matches("tier in (front, back)", web));
  EXPECT_FALSE(matches("tier notin (front,back)", web));
  EXPECT_TRUE(matches("app", web));
  EXPECT_FALSE(matches("!app", web));
  EXPECT_TRUE(matches("!canary", web));
  EXPECT_TRUE(matches("app=web,tier in (front),!canary", web));  // every term must hold
  EXPECT_FALSE(matches("app=web,tier=back", web));
  EXPECT_TRUE(matches("", web));  // matches everything
}

TEST(LabelSelectorText, BadTextSaysWhatIsWrong) {
  std::string why;
  EXPECT_FALSE(parse_selector("tier in front", &why));
  EXPECT_NE(why.find("unable to parse requirement"), std::string::npos) << why;
  EXPECT_FALSE(parse_selector("app=we b", &why));
  EXPECT_NE(why.find("invalid label value"), std::string::npos) << why;
  EXPECT_FALSE(parse_selector("-app=web", &why));
  EXPECT_NE(why.find("invalid label key"), std::string::npos) << why;
}

}  // namespace
}  // namespace podctl::manifest
