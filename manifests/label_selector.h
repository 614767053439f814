// podctl - label selectors as the API server evaluates them (k8s.io/apimachinery labels.Selector):
// matchLabels and matchExpressions ANDed; an empty selector matches everything.
#pragma once

#include <map>
#include <string>

#include "manifests/selector_spec.h"

namespace podctl::manifest {

bool selector_matches(const LabelSelector& selector, const std::map<std::string, std::string>& labels);
// kubectl's text form: "app=web,tier in (a,b),!canary".
std::string selector_text(const LabelSelector& selector);

}  // namespace podctl::manifest
