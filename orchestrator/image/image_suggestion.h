// podctl - "did you mean": the stored image closest to a reference that could not be pulled, so
// that a typo in an image name ("busybx:1.35") points at the image the user has (busybox:1.35)
// instead of ending at a registry's DNS error.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace podctl {

// `stored`: the familiar names of the stored images (busybox:1.35). A name counts as close when
// it is the same repository with another tag, or within a few edits of the wanted one.
std::optional<std::string> closest_image(const std::vector<std::string>& stored, const std::string& wanted);

}  // namespace podctl
