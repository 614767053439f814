// podctl - the verbs, one file each (cmd_<verb>.cc), and their options.
#pragma once

#include "orchestrator/cli/invocation.h"

namespace podctl {

#define PODCTL_VERB(name)            \
  int cmd_##name(const Invocation&); \
  void name##_options(po::options_description&);

PODCTL_VERB(apply)
PODCTL_VERB(delete)
PODCTL_VERB(diff)
PODCTL_VERB(get)
PODCTL_VERB(describe)
PODCTL_VERB(logs)
PODCTL_VERB(run)
PODCTL_VERB(exec)
PODCTL_VERB(inspect)
PODCTL_VERB(wait)
PODCTL_VERB(image)
PODCTL_VERB(version)
PODCTL_VERB(system)
PODCTL_VERB(controller)
PODCTL_VERB(scale)
PODCTL_VERB(rollout)
PODCTL_VERB(restart)
PODCTL_VERB(create)
PODCTL_VERB(port_forward)
PODCTL_VERB(top)
PODCTL_VERB(events)
PODCTL_VERB(cp)
PODCTL_VERB(attach)
PODCTL_VERB(explain)
PODCTL_VERB(completion)
PODCTL_VERB(complete)

#undef PODCTL_VERB

}  // namespace podctl
