// podctl - label selectors as the API server evaluates them (k8s.io/apimachinery labels.Selector):
// matchLabels and matchExpressions ANDed; an empty selector matches everything.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "manifests/selector_spec.h"

namespace podctl::manifest {

bool selector_matches(const LabelSelector& selector, const std::map<std::string, std::string>& labels);
// kubectl's text form: "app=web,tier in (a,b),!canary".
std::string selector_text(const LabelSelector& selector);
// The text form read back, as kubectl's -l reads it (labels.Parse): `k=v`, `k==v`, `k!=v`,
// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas. nullopt with `why` on bad text.
std::optional<LabelSelector> parse_selector(const std::string& text, std::string* why);

}  // namespace podctl::manifest
