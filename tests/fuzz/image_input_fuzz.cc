// podctl fuzz target - everything podctl reads from an image or a registry, and the manifests it
// takes: one input is split into a JSON document (manifest, index or config) and text (a
// reference, a digest, a path). Whatever the bytes, nothing throws or crashes, and what the
// checks let through keeps the properties the store relies on.
// Built into the test suite with a bounded mutation driver (fuzz_driver_test.cc); with clang it
// is also a libFuzzer target (cmake -DPODCTL_LIBFUZZER=ON).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/digest.h"
#include "base/safe_open.h"
#include "manifests/load.h"
#include "orchestrator/image/image_document.h"
#include "orchestrator/image/image_reference.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();  // an invariant broken: the fuzzer reports the input
}

void check_document(const std::string& text) {
  auto doc = podctl::parse_document(text, "input");
  if (!doc) return;
  if (auto blobs = podctl::manifest_blobs(*doc))
    for (const auto& d : *blobs) require(podctl::is_sha256_digest(d));
  if (auto ids = podctl::config_diff_ids(*doc))
    for (const auto& d : *ids) require(podctl::is_sha256_digest(d));
  if (auto settings = podctl::config_settings(*doc)) require(settings->is_object());
  if (auto d = podctl::descriptor_digest(*doc, "input")) require(podctl::is_sha256_digest(*d));
  (void)podctl::descriptor_size(*doc);
}

void check_text(const std::string& text) {
  if (podctl::check_digest(text, "input"))
    require(podctl::is_sha256_digest(text) && text.find('/') == std::string::npos);
  if (podctl::check_relative_path(text).empty())
    require(text.front() != '/' && text != ".." && text.rfind("../", 0) != 0 &&
            text.find("/../") == std::string::npos &&
            (text.size() < 3 || text.compare(text.size() - 3, 3, "/..") != 0));
  if (auto ref = podctl::parse_image_reference(text)) {
    require(ref->domain.find('/') == std::string::npos && ref->domain.find("..") == std::string::npos);
    require(ref->digest.empty() || podctl::is_sha256_digest(ref->digest));
  }
}

void check_manifest(const std::string& text) {
  podctl::manifest::LoadResult r;
  podctl::manifest::LoadOptions o;
  podctl::manifest::load_text(text, "fuzz.yaml", o, r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto cut = input.find('\0');
  std::string document = input.substr(0, cut), text = cut == std::string::npos ? "" : input.substr(cut + 1);
  check_document(document);
  check_text(text.empty() ? document : text);
  check_manifest(document);
  return 0;
}
