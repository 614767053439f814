// podctl - importing images with their layers and config: OCI image layouts (a directory with
// oci-layout, index.json and blobs/, or a tar of one, as skopeo copy oci-archive: writes) and
// docker save archives (manifest.json with Config, RepoTags and Layers). Every blob's digest and
// every layer's diff_id is checked; a mismatch stores no image.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/image/image_store.h"

namespace podctl {

// A directory or tar that holds an OCI layout or a docker save archive (rather than a rootfs).
bool is_image_archive(const std::string& source);

// name: the reference to store the image under ("" takes the archive's own names).
Result<std::vector<Image>> import_image_archive(ImageStore& store, const std::string& images_dir,
                                                const std::string& source, const std::string& name);

// The platform images are picked for: linux and the machine's architecture (amd64, arm64, …).
std::string host_architecture();

}  // namespace podctl
