#include "orchestrator/image/image_reference.h"

#include <string_view>

#include "base/digest.h"

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

namespace {

// The distribution reference grammar, matched by hand in one pass (std::regex recurses per
// character, and an image name comes from a manifest).
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
bool path_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t run = c.find_first_not_of(c[i] == '-' ? "-" : c[i] == '_' ? "_" : ".", i) - i;
    if (c[i] == '.' ? run != 1 : c[i] == '_' ? run > 2 : c[i] != '-') return false;
    i += run;
    if (!lower_alnum(c[i])) return false;  // one separator between alphanumerics (the back is one)
  }
  return true;
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool tag_text(std::string_view t) {
  auto word = [](char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (t.empty() || t.size() > 128 || !word(t.front())) return false;
  for (char c : t)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

// A registry host: DNS labels (letters, digits, '-', '.'), or [IPv6], with an optional :port. It
// names a certs.d directory and a URL, so nothing else may pass.
bool domain_text(std::string_view d) {
  if (d.empty() || d.size() > 255) return false;
  if (d.front() == '[') {
    size_t close = d.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view inside = d.substr(1, close - 1), rest = d.substr(close + 1);
    if (inside.empty() || inside.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) return false;
    return rest.empty() ||
           (rest[0] == ':' && rest.size() > 1 && rest.find_first_not_of("0123456789", 1) == std::string_view::npos);
  }
  size_t colon = d.find(':');
  std::string_view host = d.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = d.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  }
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    auto ok = [](char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); };
    if (label.empty() || !ok(label.front()) || !ok(label.back())) return false;
    for (char c : label)
      if (!ok(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<ImageReference> parse_image_reference(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return fail(make_error("invalid image reference \"" + text + "\": " + why));
  };
  if (text.empty()) return bad("empty");
  if (text.size() > 1024) return bad("longer than 1024 characters");
  ImageReference ref;
  std::string rest = text;
  if (auto at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!is_sha256_digest(ref.digest)) return bad("the digest must be sha256: and 64 hex digits");
  }
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!tag_text(ref.tag)) return bad("the tag \"" + ref.tag + "\" is not valid");
  }
  auto first = rest.find('/');
  std::string head = first == std::string::npos ? "" : rest.substr(0, first);
  if (!head.empty() &&
      (head.find('.') != std::string::npos || head.find(':') != std::string::npos || head == "localhost")) {
    ref.domain = head;
    ref.path = rest.substr(first + 1);
    if (!domain_text(ref.domain)) return bad("\"" + ref.domain + "\" is not a registry host name");
  } else {
    ref.domain = "docker.io";
    ref.path = rest.find('/') == std::string::npos ? "library/" + rest : rest;
  }
  size_t start = 0;
  while (start <= ref.path.size()) {
    auto end = ref.path.find('/', start);
    std::string comp = ref.path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!path_component(comp)) return bad("\"" + comp + "\" must be lowercase letters, digits and separators (. _ -)");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace podctl
