// podctl explain RESOURCE[.FIELD…] [--recursive]: kubectl explain for what podctl supports. The
// text is the manifest reference's (built into the binary), so the command and the page agree.
#include <iostream>

#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/reference/field_reference.h"

namespace podctl {

int cmd_explain(const Invocation& inv) {
  if (inv.args.size() != 1)
    return report_error("usage: podctl explain RESOURCE[.FIELD…] (pods.spec.containers, deployment.spec.strategy)",
                        kExitUsage);
  const std::string& arg = inv.args[0];
  auto dot = arg.find('.');
  std::string word = arg.substr(0, dot), path = dot == std::string::npos ? "" : arg.substr(dot + 1);
  std::string resource = resource_kind(word);
  if (resource.empty())
    return report_error("the server doesn't have a resource type \"" + word +
                        "\" (podctl explains pods, deployments, replicasets, statefulsets, jobs, services, "
                        "persistentvolumeclaims, configmaps, secrets and namespaces)");
  auto text = explain_field(manifest_reference_text(), resource, path, inv.vm["recursive"].as<bool>());
  if (!text) return report_error(text.error().message);
  std::cout << *text;
  return kExitOk;
}

void explain_options(po::options_description& d) {
  d.add_options()("recursive", po::bool_switch()->default_value(false), "list the field names only, every level");
}

}  // namespace podctl
