// podctl - the parts of `describe pod` that come from the spec, in kubectl's layout: a container's
// command, ports, probes, environment (with where each value comes from) and mounts, and the
// pod's volumes. Pure: JSON of the stored spec in, text out.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace podctl {

// "    Command:\n      sh\n      -c\n      …": one element per line, every line of a multi-line
// element indented too.
std::string describe_command(const nlohmann::json& container);
std::string describe_ports(const nlohmann::json& container);
std::string describe_probes(const nlohmann::json& container);
std::string describe_environment(const nlohmann::json& container);
std::string describe_mounts(const nlohmann::json& container);
std::string describe_volumes(const nlohmann::json& pod_spec);

}  // namespace podctl
