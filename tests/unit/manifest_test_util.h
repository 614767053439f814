// podctl tests - loading manifest text as `podctl apply -f pod.yaml` would.
#pragma once

#include <string>

#include "manifests/load.h"

namespace podctl::test {

inline manifest::LoadResult load_yaml(const std::string& text, bool check_implemented = true) {
  manifest::LoadResult r;
  manifest::LoadOptions o;
  o.check_implemented = check_implemented;
  manifest::load_text(text, "pod.yaml", o, r);
  return r;
}

inline std::string errors_of(const manifest::LoadResult& r) {
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  return all;
}

inline const manifest::Pod& only_pod(const manifest::LoadResult& r) {
  return std::get<manifest::Pod>(r.objects.at(0).object);
}

}  // namespace podctl::test
