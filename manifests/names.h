// podctl - the Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation).
// Each returns an empty string when valid, else the reason.
#pragma once

#include <string>

namespace podctl::manifest {

std::string check_dns1123_label(const std::string& value);      // ≤ 63, [a-z0-9]([-a-z0-9]*[a-z0-9])?
std::string check_dns1123_subdomain(const std::string& value);  // ≤ 253, labels joined by '.'
std::string check_dns1035_label(const std::string& value);      // a label that starts with a letter (Services)
std::string check_port_name(const std::string& value);          // IANA_SVC_NAME, ≤ 15
std::string check_env_var_name(const std::string& value);       // [-._a-zA-Z][-._a-zA-Z0-9]*
std::string check_config_key(const std::string& value);         // [-._a-zA-Z0-9]+, ≤ 253
std::string check_qualified_name(const std::string& value);     // label/annotation keys
std::string check_label_value(const std::string& value);
std::string check_ip(const std::string& value);

}  // namespace podctl::manifest
