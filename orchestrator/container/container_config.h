// podctl - what a container runs, from its spec and its image, by the Kubernetes rules:
// command/args over the image's Entrypoint/Cmd, env with $(VAR) expansion, the user to run as.
#pragma once

#include <linux/filter.h>

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "manifests/pod_spec.h"
#include "orchestrator/container/pod_facts.h"
#include "orchestrator/image/image_store.h"

namespace podctl {

struct ContainerConfig {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value", in order
  std::string working_dir;
  uint32_t uid = 0, gid = 0;
  std::vector<gid_t> groups;
  uint64_t capabilities = 0;
  bool privileged = false;
  bool no_new_privs = false;
  bool read_only_root = false;
  std::vector<sock_filter> seccomp;  // the compiled seccomp filter; empty: Unconfined
};

// The image config's User ("uid", "uid:gid", "name", "name:group"), names looked up in the
// image's /etc/passwd and /etc/group as runc does.
struct ImageUser {
  uint32_t uid = 0, gid = 0;
  bool numeric = true;  // runAsNonRoot can only be checked for a numeric user
};
Result<ImageUser> image_user(const Image& image);

// The image's StopSignal ("SIGQUIT", "QUIT", "3"), or SIGTERM.
int stop_signal(const Image& image);

// Kubernetes $(VAR) expansion: $(NAME) is replaced when NAME is defined, $$ is a literal $,
// anything else is kept as written.
std::string expand_vars(const std::string& text, const std::map<std::string, std::string>& vars);

// A configuration error becomes the container's CreateContainerConfigError.
Result<ContainerConfig> make_container_config(const manifest::Pod& pod, const manifest::Container& c,
                                              const Image& image, const std::string& hostname, const PodFacts& facts);

}  // namespace podctl
