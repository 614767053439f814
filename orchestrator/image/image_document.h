// podctl - checked reads of image documents (manifests, indexes, configs) that came from a
// registry or an archive: a field of the wrong type or a malformed digest is an error that names
// it, never an exception and never a path.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "base/error.h"

namespace podctl {

// A descriptor's digest ({"digest": "sha256:…"}), checked; `where` names the descriptor.
Result<std::string> descriptor_digest(const nlohmann::json& descriptor, const std::string& where);
// A descriptor's size; 0 when absent or not a number.
int64_t descriptor_size(const nlohmann::json& descriptor);
// The manifest's config and layer digests, config first, each checked.
Result<std::vector<std::string>> manifest_blobs(const nlohmann::json& manifest);
// An image config's rootfs.diff_ids, each checked.
Result<std::vector<std::string>> config_diff_ids(const nlohmann::json& config);
// An image config's "config" object (Entrypoint, Cmd, Env…); {} when absent.
Result<nlohmann::json> config_settings(const nlohmann::json& config);
// A JSON document from text; the error names what it was.
Result<nlohmann::json> parse_document(const std::string& text, const std::string& what);

}  // namespace podctl
