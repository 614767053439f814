// Which pods belong to a workload: the uids its pods name as their controller.
#include <gtest/gtest.h>

#include "orchestrator/controllers/owned_pods.h"

namespace podctl {
namespace {

using nlohmann::json;

json object_with(const std::string& uid, const std::string& owner_uid = "") {
  json o{{"metadata", {{"uid", uid}}}};
  if (!owner_uid.empty())
    o["metadata"]["ownerReferences"] = json::array({{{"uid", owner_uid}, {"controller", true}, {"kind", "Deployment"}}});
  return o;
}

// Every ReplicaSet the Deployment owns counts, whatever the order of their uids: once "a" (below
// the Deployment's "m") was found, an earlier version compared the next ones with "a" and lost "z".
TEST(PodOwnerUids, ADeploymentOwnsThePodsOfEveryOneOfItsReplicaSets) {
  std::vector<json> sets = {object_with("a", "m"), object_with("b", "other"), object_with("z", "m"), object_with("c")};
  EXPECT_EQ(pod_owner_uids(object_with("m"), sets), (std::set<std::string>{"m", "a", "z"}));
}

TEST(PodOwnerUids, AnOwnerReferenceThatIsNotTheControllerDoesNotCount) {
  json rs = object_with("a", "m");
  rs["metadata"]["ownerReferences"][0]["controller"] = false;
  EXPECT_EQ(pod_owner_uids(object_with("m"), {rs}), (std::set<std::string>{"m"}));
}

}  // namespace
}  // namespace podctl
