// podctl - pulling an image from a registry into the store, as docker, podman and containerd do:
// the manifest (an index is resolved to the host's platform), then the config and the layers,
// downloaded in parallel and each verified by its digest; layers already stored are not
// fetched again. The image is named in the store only once everything is there.
#pragma once

#include <iosfwd>
#include <string>

#include "base/error.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/image/registry_client.h"

namespace podctl {

// terminal: redraw one progress line per layer; otherwise print a line per finished layer.
Result<Image> pull_image(ImageStore& store, const std::string& images_dir, const std::string& reference,
                         const RegistryOptions& options, bool terminal, std::ostream& out);

// Checks the credentials against the registry, then keeps them in docker's config.json.
Status registry_login(const std::string& registry, const std::string& user, const std::string& password,
                      const RegistryOptions& options);

}  // namespace podctl
