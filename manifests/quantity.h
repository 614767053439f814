// podctl - Kubernetes resource quantities ("500m", "128Mi", "1G", "1e3"), parsed exactly as
// k8s.io/apimachinery resource.Quantity parses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace podctl::manifest {

struct Quantity {
  std::string text;   // as written, for output
  int64_t milli = 0;  // value × 1000, rounded up (Quantity.MilliValue)
  int64_t value() const { return milli / 1000 + (milli % 1000 > 0 ? 1 : 0); }  // rounded up (Value)
  bool operator==(const Quantity&) const = default;
};

// Returns nullopt with `why` set when the text is not a quantity or does not fit in int64 milli-units.
std::optional<Quantity> parse_quantity(const std::string& text, std::string* why);

}  // namespace podctl::manifest
