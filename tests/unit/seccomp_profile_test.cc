// The seccomp profiles as data: containerd's RuntimeDefault with its capability-dependent rules,
// OCI profiles read with their errors, and which profile a container gets.
#include <gtest/gtest.h>

#include <algorithm>

#include "orchestrator/container/seccomp_filter.h"
#include "orchestrator/plan/seccomp_profile.h"

namespace podctl::plan {
namespace {

bool allows(const SeccompProfile& p, const std::string& name, bool unconditionally = true) {
  for (const auto& r : p.syscalls)
    if (r.action == "SCMP_ACT_ALLOW" && (!unconditionally || r.args.empty()) &&
        std::find(r.names.begin(), r.names.end(), name) != r.names.end())
      return true;
  return false;
}

TEST(SeccompProfile, RuntimeDefaultFollowsTheCapabilities) {
  auto plain = runtime_default_profile("x86_64", 0);
  EXPECT_EQ(plain.default_action, "SCMP_ACT_ERRNO");
  EXPECT_TRUE(allows(plain, "read"));
  EXPECT_TRUE(allows(plain, "arch_prctl"));
  EXPECT_FALSE(allows(plain, "mount"));
  EXPECT_FALSE(allows(plain, "unshare"));
  EXPECT_FALSE(allows(plain, "clone"));  // only without namespace flags:
  EXPECT_TRUE(allows(plain, "clone", false));
  EXPECT_FALSE(allows(plain, "keyctl"));
  auto clone3 = std::find_if(plain.syscalls.begin(), plain.syscalls.end(),
                             [](const SeccompRule& r) { return r.names == std::vector<std::string>{"clone3"}; });
  ASSERT_NE(clone3, plain.syscalls.end());
  EXPECT_EQ(clone3->errno_ret, 38u);  // ENOSYS, so that libcs fall back to clone
  auto admin = runtime_default_profile("x86_64", uint64_t{1} << 21);
  EXPECT_TRUE(allows(admin, "mount"));
  EXPECT_TRUE(allows(admin, "clone"));
  EXPECT_TRUE(allows(runtime_default_profile("x86_64", uint64_t{1} << 18), "chroot"));
  EXPECT_TRUE(allows(runtime_default_profile("aarch64", 0), "set_tls"));
}

TEST(SeccompProfile, RuntimeDefaultCompiles) {
  auto program = compile_seccomp(runtime_default_profile("x86_64", 0));
  ASSERT_TRUE(program.has_value()) << program.error().message;
  EXPECT_GT(program->size(), 100u);
  EXPECT_LE(program->size(), 4096u);  // BPF_MAXINSNS
}

TEST(SeccompProfile, OciProfilesAreReadWithTheirErrors) {
  auto ok = parse_oci_seccomp(nlohmann::json::parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
                    "args": [{"index": 1, "value": 493, "op": "SCMP_CMP_EQ"}]}]})"),
                              "p.json");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->syscalls.at(0).errno_ret, 13u);
  EXPECT_EQ(ok->syscalls.at(0).args.at(0).value, 493u);
  for (const char* bad :
       {R"([])", R"({"defaultAction": "ALLOW"})",
        R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]})",
        R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ERRNO",
                              "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]})"}) {
    auto r = parse_oci_seccomp(nlohmann::json::parse(bad), "p.json");
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_EQ(r.error().message.rfind("p.json: ", 0), 0u) << r.error().message;
    }
  }
}

TEST(SeccompProfile, TheContainersChoiceThenThePodsThenTheRootsDefault) {
  SeccompChoice local{"Localhost", "a.json"}, unconfined{"Unconfined", ""};
  EXPECT_EQ(choose_seccomp(local, unconfined, false, "RuntimeDefault").type, "Localhost");
  EXPECT_EQ(choose_seccomp(std::nullopt, local, false, "RuntimeDefault").type, "Localhost");
  EXPECT_EQ(choose_seccomp(std::nullopt, std::nullopt, false, "RuntimeDefault").type, "RuntimeDefault");
  EXPECT_EQ(choose_seccomp(std::nullopt, std::nullopt, false, "Unconfined").type, "Unconfined");
  EXPECT_EQ(choose_seccomp(std::nullopt, local, true, "RuntimeDefault").type, "Unconfined");  // privileged
  EXPECT_EQ(choose_seccomp(local, std::nullopt, true, "RuntimeDefault").type, "Localhost");
}

}  // namespace
}  // namespace podctl::plan
