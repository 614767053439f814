#include "manifests/names.h"

#include <arpa/inet.h>

#include <string_view>

// The patterns are matched by hand, in one pass: std::regex recurses once per character and a
// long enough value (a hostile manifest's) would overflow the stack.
namespace podctl::manifest {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <class Pred>
bool every(std::string_view v, Pred ok) {
  for (char c : v)
    if (!ok(c)) return false;
  return true;
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool label_shape(std::string_view v) {
  return !v.empty() && lower_alnum(v.front()) && lower_alnum(v.back()) &&
         every(v, [](char c) { return lower_alnum(c) || c == '-'; });
}

// labels joined by '.'
bool subdomain_shape(std::string_view v) {
  for (size_t start = 0;;) {
    size_t dot = v.find('.', start);
    if (!label_shape(v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool qualified_part_shape(std::string_view v) {
  return !v.empty() && alnum(v.front()) && alnum(v.back()) &&
         every(v, [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

std::string check_dns1123_label(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!label_shape(v))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
           "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  return "";
}

std::string check_dns1035_label(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!label_shape(v) || !(v[0] >= 'a' && v[0] <= 'z'))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
           "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123')";
  return "";
}

std::string check_dns1123_subdomain(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 253) return "must be no more than 253 characters";
  if (!subdomain_shape(v))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
           "must start and end with an alphanumeric character (e.g. 'example.com')";
  return "";
}

std::string check_port_name(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 15) return "must be no more than 15 characters";
  if (!every(v, [](char c) { return lower_alnum(c) || c == '-'; }))
    return "must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)";
  if (every(v, [](char c) { return !alpha(c); })) return "must contain at least one letter (a-z)";
  if (v.find("--") != std::string::npos) return "must not contain consecutive hyphens";
  if (v.front() == '-' || v.back() == '-') return "must not begin or end with a hyphen";
  return "";
}

std::string check_env_var_name(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (!(alpha(v.front()) || v.front() == '-' || v.front() == '.' || v.front() == '_') ||
      !every(v, [](char c) { return alnum(c) || c == '-' || c == '.' || c == '_'; }))
    return "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
           "and must not start with a digit";
  return "";
}

std::string check_config_key(const std::string& v) {
  if (v.empty()) return "must not be empty";
  if (v.size() > 253) return "must be no more than 253 characters";
  if (v == "." || v == "..") return "must not be '.' or '..'";
  if (!every(v, [](char c) { return alnum(c) || c == '-' || c == '.' || c == '_'; }))
    return "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
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
  if (!qualified_part_shape(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character";
  return "";
}

std::string check_label_value(const std::string& v) {
  if (v.empty()) return "";
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!qualified_part_shape(v))
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
