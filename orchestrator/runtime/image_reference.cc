#include "orchestrator/runtime/image_reference.h"

#include <regex>

namespace podctl {

std::string ImageReference::full() const {
  std::string s = domain + "/" + path;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string ImageReference::familiar() const {
  std::string p = path;
  if (domain == "docker.io" && p.rfind("library/", 0) == 0) p = p.substr(8);
  std::string s = domain == "docker.io" ? p : domain + "/" + p;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

Result<ImageReference> parse_image_reference(const std::string& text) {
  static const std::regex kComponent("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
  static const std::regex kTag("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  static const std::regex kDigest("sha256:[a-f0-9]{64}");
  auto bad = [&](const std::string& why) {
    return fail(make_error("invalid image reference \"" + text + "\": " + why));
  };
  if (text.empty()) return bad("empty");
  ImageReference ref;
  std::string rest = text;
  if (auto at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!std::regex_match(ref.digest, kDigest)) return bad("the digest must be sha256: and 64 hex digits");
  }
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!std::regex_match(ref.tag, kTag)) return bad("the tag \"" + ref.tag + "\" is not valid");
  }
  auto first = rest.find('/');
  std::string head = first == std::string::npos ? "" : rest.substr(0, first);
  if (!head.empty() && (head.find('.') != std::string::npos || head.find(':') != std::string::npos || head == "localhost")) {
    ref.domain = head;
    ref.path = rest.substr(first + 1);
  } else {
    ref.domain = "docker.io";
    ref.path = rest.find('/') == std::string::npos ? "library/" + rest : rest;
  }
  size_t start = 0;
  while (start <= ref.path.size()) {
    auto end = ref.path.find('/', start);
    std::string comp = ref.path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!std::regex_match(comp, kComponent))
      return bad("\"" + comp + "\" must be lowercase letters, digits and separators (. _ -)");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace podctl
