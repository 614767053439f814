// Runs the fuzz target (image_input_fuzz.cc) in the test suite for a bounded time: seeds of each
// kind of input, mutated by byte flips, insertions of the characters that matter (/ . : NUL and
// bytes that are not UTF-8), splices and truncations. PODCTL_FUZZ_SECONDS sets the budget
// (default 10 s); a failure is an abort, which the test run reports with the seed and round.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const std::vector<std::string> kSeeds = {
    R"({"schemaVersion":2,"config":{"digest":"sha256:2d9a5e4e3c3d39a03d1e0cc2b5d40e64d1c2d5f3e4e6d2e2b8f1a6f3c3c1b0a9","size":10},)"
    R"("layers":[{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":5}]})",
    R"({"manifests":[{"digest":"sha256:../../victim","platform":{"os":"linux","architecture":"amd64"}}]})",
    R"({"config":{"User":"1000","Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"diff_ids":["sha256:abc"]}})",
    std::string("{\"config\":{\"User\":\"\xff\xfe\"}}") + '\0' +
        "docker.io/library/busybox:1.35@sha256:" + std::string(64, 'a'),
    std::string("{}") + '\0' + "a/../../b",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.35\n"
    "    volumeMounts: [{name: v, mountPath: /d, subPath: ../x}]\n  volumes: [{name: v, emptyDir: {}}]\n",
};

std::string mutate(std::string s, std::mt19937& rng) {
  static const char kSpecial[] = {'/', '.', ':', '\0', '\xff', '\xc3', '"', '{', '[', ',', '\\', '9'};
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits; ++i) {
    size_t at = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[at] = static_cast<char>(rng());
        break;
      case 1: s.insert(at, 1, kSpecial[rng() % sizeof kSpecial]); break;
      case 2:
        if (!s.empty()) s.erase(at, 1 + rng() % 8);
        break;
      case 3: s.insert(at, kSeeds[rng() % kSeeds.size()].substr(0, rng() % 40)); break;
      case 4: s.insert(at, std::string(1 + rng() % 64, "0a./"[rng() % 4])); break;
      case 5: s = s.substr(0, at); break;
    }
  }
  return s;
}

TEST(Fuzz, ImageDocumentsReferencesPathsAndManifests) {
  const char* budget = std::getenv("PODCTL_FUZZ_SECONDS");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(budget ? std::atoi(budget) : 10);
  std::mt19937 rng(20261130);
  size_t runs = 0;
  for (const auto& seed : kSeeds) LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), seed.size());
  while (std::chrono::steady_clock::now() < deadline) {
    std::string input = mutate(kSeeds[rng() % kSeeds.size()], rng);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++runs;
  }
  RecordProperty("runs", static_cast<int>(runs));
  EXPECT_GT(runs, 1000u);
}

}  // namespace
