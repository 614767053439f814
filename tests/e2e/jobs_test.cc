// End to end: Jobs kept by their controller process, as `apply --wait` and `run` use them.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

using nlohmann::json;

std::string job_yaml(const std::string& name, const std::string& spec, const std::string& command) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n" + spec +
         "  template:\n    spec:\n      restartPolicy: Never\n      terminationGracePeriodSeconds: 1\n"
         "      containers:\n      - name: main\n        image: busybox:1.35\n        command: [\"sh\", \"-c\", \"" +
         command + "\"]\n";
}

class Jobs : public PodctlTest {
 protected:
  json job(const std::string& name) const {
    RunResult r = env_->podctl({"get", "job", name, "-o", "json"});
    return r.rc == 0 ? json::parse(r.out) : json();
  }
  json pods() const { return json::parse(env_->podctl({"get", "pods", "-o", "json"}).out)["items"]; }
};

TEST_F(Jobs, AnIndexedJobRunsEachIndexOnceAndApplyWaitReportsItsCompletion) {
  RunResult r = env_->podctl(
      {"apply", "-f", "-", "--wait=60s"},
      job_yaml("migrate", "  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n",
               "echo part $JOB_COMPLETION_INDEX"));
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("job \"migrate\" completed"), std::string::npos) << r.out;
  json j = job("migrate");
  EXPECT_EQ(j["status"]["succeeded"], 3);
  EXPECT_EQ(j["status"]["completedIndexes"], "0-2");
  EXPECT_EQ(j["status"]["conditions"][0]["type"], "Complete");
  std::set<std::string> parts;
  for (const auto& p : pods()) {
    std::string name = p["metadata"]["name"];
    EXPECT_TRUE(std::regex_match(name, std::regex("migrate-[0-2]-[bcdfghjklmnpqrstvwxz2456789]{5}"))) << name;
    EXPECT_EQ(p["metadata"]["labels"]["job-name"], "migrate");
    parts.insert(env_->podctl({"logs", name}).out);
  }
  EXPECT_EQ(parts, (std::set<std::string>{"part 0\n", "part 1\n", "part 2\n"}));
  std::string row = env_->podctl({"get", "jobs", "--no-headers"}).out;
  EXPECT_TRUE(std::regex_match(row, std::regex("migrate +Complete +3/3 +[0-9]+s +[0-9]+s\n"))) << row;
  std::string described = env_->podctl({"describe", "job", "migrate"}).out;
  EXPECT_NE(described.find("Completion Mode:  Indexed\n"), std::string::npos) << described;
  EXPECT_NE(described.find("Pods Statuses:    0 Active (0 Ready) / 3 Succeeded / 0 Failed\n"), std::string::npos)
      << described;
  EXPECT_NE(described.find("  Complete  True    CompletionsReached\n"), std::string::npos) << described;
}

TEST_F(Jobs, AJobsTemplateCannotChange) {
  ASSERT_EQ(env_->podctl({"apply", "-f", "-"}, job_yaml("once", "", "true")).rc, 0);
  RunResult changed = env_->podctl({"apply", "-f", "-"}, job_yaml("once", "", "false"));
  EXPECT_EQ(changed.rc, 1);
  EXPECT_NE(changed.err.find("job.batch/once: the job is invalid: spec.template: field is immutable"), std::string::npos)
      << changed.err;
}

TEST_F(Jobs, ABackoffLimitFailsTheJobAfterTheBackoffAndRunExitsWithTheTestsCode) {
  std::string path = env_->root() + "-job.yaml";
  std::ofstream(path) << job_yaml("tests", "  backoffLimit: 1\n", "echo testing; exit 3");
  auto started = std::chrono::steady_clock::now();
  RunResult r = env_->podctl({"run", "-f", path});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.rc, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("job \"tests\" failed: BackoffLimitExceeded"), std::string::npos) << r.out;
  EXPECT_EQ(std::regex_search(r.out, std::regex("pod/tests-[a-z0-9]{5}/main: exit 3 \\(Error\\)")), true) << r.out;
  // Two pods, the second after the controller's 10 s pod-failure backoff.
  size_t lines = 0;
  for (size_t at = 0; (at = r.out.find("] testing", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 2u) << r.out;
  // 10 s from the failure's finishedAt, which has whole seconds: up to 1 s of it may have passed.
  EXPECT_GE(took, std::chrono::seconds(9));
  EXPECT_TRUE(pods().empty());
  std::remove(path.c_str());
}

TEST_F(Jobs, TheActiveDeadlineStopsTheJobAndTtlRemovesItAfterwards) {
  RunResult r = env_->podctl({"apply", "-f", "-", "--wait=30s"},
                             job_yaml("slow", "  activeDeadlineSeconds: 2\n  ttlSecondsAfterFinished: 2\n", "sleep 60"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("job \"slow\" failed: DeadlineExceeded: Job was active longer than specified deadline"),
            std::string::npos)
      << r.err;
  // The Job's pod is stopped, then the Job and its pods go once the TTL has passed.
  ASSERT_TRUE(env_->eventually([&] { return job("slow").is_null(); }));
  EXPECT_TRUE(pods().empty());
}

}  // namespace
}  // namespace podctl::test
