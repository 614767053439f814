// podctl-image - the verbs that need libcurl, libarchive and OpenSSL: `image` (pulls, imports,
// the store) and `cp` (tar streams). `podctl image …` and `podctl cp …` run this binary with
// their own arguments, so that no other verb loads those libraries. Exceptions stop here.
#include <iostream>

#include "orchestrator/cli/invocation.h"
#include "orchestrator/cli/verbs.h"

int main(int argc, char** argv) {
  using namespace podctl;
  const std::vector<Verb> verbs = {
      {"cp", "cp [-c CONTAINER] POD:SRC DEST | SRC POD:DEST",
       "copy files out of a container or into it (tar through the container's tar)", cp_options, cmd_cp},
      {"image", "image import NAME[:TAG] ROOTFS.tar|DIR | ls | rm NAME", "manage local images", image_options,
       cmd_image},
  };
  try {
    return run_cli(argc, argv, verbs);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}
