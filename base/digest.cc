#include "base/digest.h"

namespace podctl {

bool is_sha256_hex(std::string_view hex) {
  return hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_sha256_digest(std::string_view digest) {
  return digest.starts_with("sha256:") && is_sha256_hex(digest.substr(7));
}

Status check_digest(std::string_view digest, std::string_view where) {
  if (is_sha256_digest(digest)) return {};
  std::string shown(digest.substr(0, 100));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  auto colon = digest.find(':');
  std::string reason = colon != std::string_view::npos && digest.substr(0, colon) != "sha256" &&
                               digest.substr(0, colon).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+._-") ==
                                   std::string_view::npos
                           ? "unsupported digest algorithm (podctl takes sha256)"
                           : "not a digest (sha256: and 64 lowercase hex digits)";
  return fail(Error{EINVAL, std::string(where) + ": invalid digest \"" + shown + "\": " + reason});
}

std::string digest_hex(std::string_view checked_digest) { return std::string(checked_digest.substr(7)); }

}  // namespace podctl
