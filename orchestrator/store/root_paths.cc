#include "orchestrator/store/root_paths.h"

#include <cstdio>
#include <cstdlib>

#include "manifests/names.h"

namespace podctl {
namespace {

[[noreturn]] void refuse(const char* what, const std::string& value, const std::string& why) {
  std::fprintf(stderr, "podctl: internal error: an unchecked %s \"%.100s\" reached the store (%s)\n", what,
               value.c_str(), why.c_str());
  std::abort();
}

}  // namespace

bool is_store_name(const std::string& name) { return manifest::check_dns1123_subdomain(name).empty(); }
bool is_store_label(const std::string& label) { return manifest::check_dns1123_label(label).empty(); }

const std::string& store_name(const std::string& name) {
  if (auto why = manifest::check_dns1123_subdomain(name); !why.empty()) refuse("name", name, why);
  return name;
}

const std::string& store_label(const std::string& label) {
  if (auto why = manifest::check_dns1123_label(label); !why.empty()) refuse("name", label, why);
  return label;
}

}  // namespace podctl
