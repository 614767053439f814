// podctl - Go-style durations as kubectl takes them: "30s", "5m", "1h30m", "500ms"; a bare
// number means seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace podctl {

// Milliseconds, or none for text that is not a non-negative duration.
std::optional<int64_t> parse_duration_ms(std::string_view text);

}  // namespace podctl
