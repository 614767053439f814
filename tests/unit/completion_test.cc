// What Tab offers on a podctl command line, from a fake root.
#include <gtest/gtest.h>

#include "orchestrator/cli/completion.h"

namespace podctl {
namespace {

using Words = std::vector<std::string>;

NameSource fake_root() {
  NameSource s;
  s.default_namespace = "default";
  s.names = [](const std::string& kind, const std::string& ns) -> Words {
    if (kind == "pods" && ns == "default") return {"api", "db-0", "web"};
    if (kind == "pods" && ns == "shop") return {"cart"};
    if (kind == "deployments" && ns == "default") return {"web"};
    return {};
  };
  s.containers = [](const std::string& ns, const std::string& pod) -> Words {
    return ns == "default" && pod == "web" ? Words{"init", "httpd", "log"} : Words{};
  };
  s.namespaces = [] { return Words{"default", "shop"}; };
  return s;
}

Words complete(const Words& words) {
  return complete_words(words, {"apply", "delete", "describe", "exec", "get", "logs", "rollout", "top"}, fake_root());
}

TEST(Completion, VerbsTypesAndNames) {
  EXPECT_EQ(complete({""}), (Words{"apply", "delete", "describe", "exec", "get", "logs", "rollout", "top"}));
  EXPECT_EQ(complete({"de"}), (Words{"delete", "describe"}));
  EXPECT_EQ(complete({"get", "dep"}), (Words{"deployments"}));
  EXPECT_EQ(complete({"get", "pods", ""}), (Words{"api", "db-0", "web"}));
  EXPECT_EQ(complete({"describe", "deploy/"}), (Words{"deploy/web"}));
  EXPECT_EQ(complete({"delete", "po/d"}), (Words{"po/db-0"}));
  EXPECT_EQ(complete({"logs", "w"}), (Words{"web"}));
  EXPECT_EQ(complete({"top", "pod", ""}), (Words{"api", "db-0", "web"}));
  EXPECT_EQ(complete({"rollout", "r"}), (Words{"restart"}));
  EXPECT_EQ(complete({"rollout", "restart", ""}), (Words{"deployment/web"}));
}

TEST(Completion, ContainersNamespacesAndOptionValues) {
  EXPECT_EQ(complete({"exec", "web", "-c", ""}), (Words{"init", "httpd", "log"}));
  EXPECT_EQ(complete({"logs", "pod/web", "-c", "h"}), (Words{"httpd"}));
  EXPECT_EQ(complete({"-n", ""}), (Words{"default", "shop"}));
  EXPECT_EQ(complete({"-n", "shop", "logs", ""}), (Words{"cart"}));
  EXPECT_EQ(complete({"get", "pods", "-n", "shop", ""}), (Words{"cart"}));
  EXPECT_EQ(complete({"get", "pods", "-o", "j"}), (Words{"json", "jsonpath="}));
  EXPECT_EQ(complete({"apply", "-f", ""}), Words{});  // file names: the shell's own completion
  EXPECT_EQ(complete({"get", "-"}), Words{});
  EXPECT_EQ(complete({"exec", "web", "--", "s"}), Words{});  // the command in the container
}

}  // namespace
}  // namespace podctl
