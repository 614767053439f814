// podctl - standard base64 (RFC 4648, with padding), as Kubernetes stores Secret data and
// ConfigMap binaryData.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace podctl {

std::string base64_encode(std::string_view bytes);
// None for text that is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace podctl
