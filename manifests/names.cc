#include "manifests/names.h"

#include <arpa/inet.h>

#include <regex>

namespace podctl::manifest {
namespace {

const std::regex kLabel("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
const std::regex kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
const std::regex kQualifiedNamePart("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

}  // namespace

std::string check_dns1123_label(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!std::regex_match(v, kLabel))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
           "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  return "";
}

std::string check_dns1123_subdomain(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 253) return "must be no more than 253 characters";
  if (!std::regex_match(v, kSubdomain))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
           "must start and end with an alphanumeric character (e.g. 'example.com')";
  return "";
}

std::string check_port_name(const std::string& v) {
  static const std::regex kChars("[-a-z0-9]+");
  static const std::regex kLetter(".*[a-z].*");
  if (v.empty()) return "must not be empty";
  if (v.size() > 15) return "must be no more than 15 characters";
  if (!std::regex_match(v, kChars)) return "must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)";
  if (!std::regex_match(v, kLetter)) return "must contain at least one letter (a-z)";
  if (v.find("--") != std::string::npos) return "must not contain consecutive hyphens";
  if (v.front() == '-' || v.back() == '-') return "must not begin or end with a hyphen";
  return "";
}

std::string check_env_var_name(const std::string& v) {
  static const std::regex kEnv("[-._a-zA-Z][-._a-zA-Z0-9]*");
  if (v.empty()) return "must not be empty";
  if (!std::regex_match(v, kEnv))
    return "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
           "and must not start with a digit";
  return "";
}

std::string check_config_key(const std::string& v) {
  static const std::regex kKey("[-._a-zA-Z0-9]+");
  if (v.empty()) return "must not be empty";
  if (v.size() > 253) return "must be no more than 253 characters";
  if (v == "." || v == "..") return "must not be '.' or '..'";
  if (!std::regex_match(v, kKey)) return "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
  return "";
}

std::string check_qualified_name(const std::string& v) {
  std::string name = v;
  auto slash = v.find('/');
  if (slash != std::string::npos) {
    std::string prefix = v.substr(0, slash);
    name = v.substr(slash + 1);
    if (auto why = check_dns1123_subdomain(prefix); !why.empty()) return "prefix part " + why;
  }
  if (name.empty()) return "name part must not be empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!std::regex_match(name, kQualifiedNamePart))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character";
  return "";
}

std::string check_label_value(const std::string& v) {
  if (v.empty()) return "";
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!std::regex_match(v, kQualifiedNamePart))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
           "must start and end with an alphanumeric character";
  return "";
}

std::string check_ip(const std::string& v) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, v.c_str(), buf) == 1 || inet_pton(AF_INET6, v.c_str(), buf) == 1) return "";
  return "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
}

}  // namespace podctl::manifest
