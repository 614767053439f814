// podctl - image references normalized as docker does: "busybox" is
// "docker.io/library/busybox:latest"; "host:5000/ns/app:1.2"; "name@sha256:…".
#pragma once

#include <string>

#include "base/error.h"

namespace podctl {

struct ImageReference {
  std::string domain;  // docker.io, localhost:5000, …
  std::string path;    // library/busybox
  std::string tag;     // latest when neither tag nor digest is given
  std::string digest;  // sha256:…

  std::string full() const;      // docker.io/library/busybox:latest
  std::string familiar() const;  // busybox:latest
};

Result<ImageReference> parse_image_reference(const std::string& text);

}  // namespace podctl
