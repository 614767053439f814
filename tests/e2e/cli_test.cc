// The podctl command line: exit codes, messages, dry runs, and that a rejected apply writes nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

RunResult podctl_at(const std::string& root, std::vector<std::string> args, const std::string& in = "") {
  std::vector<std::string> argv = {PODCTL_BINARY, "--root", root};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, in);
}

std::string fresh_root() {
  return "/tmp/podctl-cli-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

const std::string kPod =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n    image: busybox:1.35\n";

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_program({PODCTL_BINARY}).rc, 2);
  RunResult unknown = run_program({PODCTL_BINARY, "launch"});
  EXPECT_EQ(unknown.rc, 2);
  EXPECT_EQ(unknown.err, "error: unknown verb \"launch\" (see podctl --help)\n");
  RunResult bad = run_program({PODCTL_BINARY, "get", "pods", "--bogus"});
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("unrecognised option '--bogus'"), std::string::npos) << bad.err;
  EXPECT_EQ(run_program({PODCTL_BINARY, "get"}).rc, 2);
  EXPECT_EQ(run_program({PODCTL_BINARY, "get", "daemonsets"}).rc, 2);
  EXPECT_EQ(run_program({PODCTL_BINARY, "apply"}).rc, 2);
  EXPECT_EQ(run_program({PODCTL_BINARY, "get", "pods", "-o", "table"}).rc, 2);
}

TEST(Cli, HelpOnEveryVerbExitsZero) {
  RunResult help = run_program({PODCTL_BINARY, "--help"});
  EXPECT_EQ(help.rc, 0);
  for (const char* verb :
       {"apply", "get", "describe", "delete", "logs", "exec", "inspect", "wait", "image", "system", "version", "explain"}) {
    RunResult r = run_program({PODCTL_BINARY, verb, "--help"});
    EXPECT_EQ(r.rc, 0) << verb;
    EXPECT_NE(r.out.find(std::string("Usage: podctl ") + verb), std::string::npos) << verb << r.out;
    EXPECT_NE(help.out.find(std::string("  ") + verb), std::string::npos) << verb;
  }
  EXPECT_EQ(run_program({PODCTL_BINARY, "version"}).out, "podctl " PODCTL_VERSION "\n");
}

// Every start of podctl (and of each controller) loads only the shared libraries it needs: the
// image verbs and cp, with libcurl, libarchive and OpenSSL, are podctl-image's; libnftables is
// opened on first use. Those ~45 libraries once made up most of a command's 8 ms.
TEST(Cli, TheCliStartsWithoutTheImageAndNftablesLibraries) {
  std::string bin = PODCTL_BINARY;
  std::string dir = bin.substr(0, bin.rfind('/'));
  RunResult cli = run_program({"ldd", bin});
  ASSERT_EQ(cli.rc, 0) << cli.err;
  for (const char* lib : {"libcurl", "libarchive", "libcrypto", "libssl", "libnftables"})
    EXPECT_EQ(cli.out.find(lib), std::string::npos) << lib << " is linked:\n" << cli.out;
  RunResult helper = run_program({"ldd", dir + "/podctl-image"});
  ASSERT_EQ(helper.rc, 0) << helper.err;
  for (const char* lib : {"libcurl", "libarchive", "libcrypto"})
    EXPECT_NE(helper.out.find(lib), std::string::npos) << lib << " is missing:\n" << helper.out;
  // podctl hands the verbs over with their arguments, help included.
  for (const char* verb : {"image", "cp"}) {
    RunResult r = run_program({bin, verb, "--help"});
    EXPECT_EQ(r.rc, 0) << verb << r.err;
    EXPECT_NE(r.out.find(std::string("Usage: podctl ") + verb), std::string::npos) << r.out;
  }
  RunResult bad = run_program({bin, "image", "frobnicate"});
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("unknown image command \"frobnicate\""), std::string::npos) << bad.err;
}

// kubectl explain, from the manifest reference built into the binary: no root, no cluster.
TEST(Cli, ExplainDescribesTheSupportedFields) {
  RunResult field = run_program({PODCTL_BINARY, "explain", "pods.spec.restartPolicy"});
  EXPECT_EQ(field.rc, 0) << field.err;
  EXPECT_EQ(field.out.rfind("KIND:       Pod\nVERSION:    v1\n\nFIELD: spec.restartPolicy\n\nDESCRIPTION:\n    Always, OnFailure "
                            "or Never",
                            0),
            0u)
      << field.out;
  EXPECT_NE(field.out.find("DEFAULT AND LIMITS:\n    Always\n"), std::string::npos) << field.out;
  RunResult tree = run_program({PODCTL_BINARY, "explain", "deploy.spec.strategy", "--recursive"});
  EXPECT_EQ(tree.out,
            "KIND:       Deployment\nVERSION:    apps/v1\n\nFIELD: spec.strategy\n\nFIELDS:\n  type\n  "
            "rollingUpdate.maxSurge\n  rollingUpdate.maxUnavailable\n");
  RunResult unsupported = run_program({PODCTL_BINARY, "explain", "pod.spec.hostNetwork"});
  EXPECT_EQ(unsupported.rc, 1);
  EXPECT_NE(unsupported.err.find("field \"spec.hostNetwork\" of Pod is not one podctl supports"), std::string::npos)
      << unsupported.err;
  EXPECT_EQ(run_program({PODCTL_BINARY, "explain"}).rc, 2);
  EXPECT_EQ(run_program({PODCTL_BINARY, "explain", "daemonsets"}).rc, 1);
}

TEST(Cli, InvalidManifestExitsTwoWithPositionsAndWritesNothing) {
  std::string root = fresh_root();
  std::string bad =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n    image: busybox:1.35\n"
      "    ports:\n    - containerPort: 99999\n  - name: a\n    image: busybox:1.35\n";
  RunResult r = podctl_at(root, {"apply", "-f", "-"}, bad);
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.err,
            "STDIN:10:22: spec.containers[0].ports[0].containerPort: 99999: must be between 1 and 65535, inclusive\n"
            "STDIN:11:11: spec.containers[1].name: \"a\" is already used by spec.containers[0]\n"
            "error: nothing was applied (2 errors)\n");
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(Cli, GlobalOptionsGoBeforeOrAfterTheVerbAndComeFromTheEnvironment) {
  std::string root = fresh_root();
  EXPECT_EQ(run_program({PODCTL_BINARY, "get", "pods", "--root", root}).rc, 0);
  EXPECT_EQ(run_program({PODCTL_BINARY, "--root", root, "-n", "dev", "get", "pods"}).err,
            "No resources found in dev namespace.\n");
  RunResult env = run_program({"env", "PODCTL_ROOT=" + root, PODCTL_BINARY, "apply", "--dry-run", "-f", "-"}, kPod);
  EXPECT_EQ(env.rc, 0) << env.err;
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(Cli, DryRunValidatesAndChangesNothing) {
  std::string root = fresh_root();
  RunResult r = podctl_at(root, {"apply", "--dry-run", "-f", "-"},
                          kPod + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "pod/web created (dry run)\nconfigmap/cfg created (dry run)\n");
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(Cli, EveryExampleValidates) {
  RunResult r = run_program({PODCTL_BINARY, "--root", fresh_root(), "apply", "--dry-run", "-f",
                             std::string(PODCTL_SOURCE_DIR) + "/examples"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("(dry run)"), std::string::npos);
}

TEST(Cli, UnsupportedKindAndUnknownFieldAreRejected) {
  RunResult r =
      podctl_at(fresh_root(), {"apply", "-f", "-"}, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\n");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("STDIN:2:7: kind: kind \"DaemonSet\" is not supported by podctl"), std::string::npos) << r.err;
}

TEST(Cli, ConfigMapsAreStoredListedAndDeleted) {
  if (::geteuid() != 0) GTEST_SKIP() << "apply needs root";
  PodctlEnv env;
  std::string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n  b: two\n";
  EXPECT_EQ(env.apply(cm).out, "configmap/cfg created\n");
  EXPECT_EQ(env.apply(cm).out, "configmap/cfg unchanged\n");
  RunResult get = env.podctl({"get", "configmaps"});
  EXPECT_NE(get.out.find("cfg    2      "), std::string::npos) << get.out;
  auto j = nlohmann::json::parse(env.podctl({"get", "cm", "cfg", "-o", "json"}).out);
  EXPECT_EQ(j["data"]["b"], "two");
  EXPECT_EQ(env.podctl({"delete", "configmap", "cfg"}).out, "configmap \"cfg\" deleted\n");
  EXPECT_EQ(env.podctl({"get", "cm", "cfg"}).rc, 1);
}

}  // namespace
}  // namespace podctl::test
