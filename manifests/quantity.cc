#include "manifests/quantity.h"

#include <cctype>
#include <limits>

namespace podctl::manifest {
namespace {

struct Suffix {
  int exp10 = 0;
  int exp2 = 0;
};

std::optional<Suffix> parse_suffix(const std::string& s) {
  static const struct {
    const char* text;
    Suffix value;
  } kTable[] = {
      {"", {0, 0}},    {"n", {-9, 0}},  {"u", {-6, 0}},  {"m", {-3, 0}},  {"k", {3, 0}},   {"M", {6, 0}},
      {"G", {9, 0}},   {"T", {12, 0}},  {"P", {15, 0}},  {"E", {18, 0}},  {"Ki", {0, 10}}, {"Mi", {0, 20}},
      {"Gi", {0, 30}}, {"Ti", {0, 40}}, {"Pi", {0, 50}}, {"Ei", {0, 60}},
  };
  for (const auto& row : kTable)
    if (s == row.text) return row.value;
  // Decimal exponent form: e3, E-2, e+6.
  if (s.size() >= 2 && (s[0] == 'e' || s[0] == 'E')) {
    size_t i = 1;
    bool neg = false;
    if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
    if (i >= s.size() || s.size() - i > 3) return std::nullopt;
    int v = 0;
    for (; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return Suffix{neg ? -v : v, 0};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Quantity> parse_quantity(const std::string& text, std::string* why) {
  auto bad = [&](const char* reason) -> std::optional<Quantity> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (text.empty()) return bad("quantity must not be empty");
  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') negative = text[i++] == '-';
  __int128 mantissa = 0;
  int fraction_digits = 0;
  bool seen_dot = false, seen_digit = false;
  constexpr __int128 kMantissaCap = static_cast<__int128>(1) << 100;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_dot)
        return bad("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      seen_dot = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      seen_digit = true;
      if (mantissa < kMantissaCap) {
        mantissa = mantissa * 10 + (c - '0');
        if (seen_dot) ++fraction_digits;
      } else if (!seen_dot) {
        return bad("quantity is too large");
      }
    } else {
      break;
    }
  }
  if (!seen_digit)
    return bad("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  auto suffix = parse_suffix(text.substr(i));
  if (!suffix) return bad("unable to parse quantity's suffix");

  // milli = ceil(mantissa × 10^(exp10 + 3 - fraction_digits) × 2^exp2)
  int exp10 = suffix->exp10 + 3 - fraction_digits;
  __int128 value = mantissa;
  const __int128 kLimit = std::numeric_limits<int64_t>::max();
  for (int k = 0; k < suffix->exp2; ++k) {
    value *= 2;
    if (value > kLimit) return bad("quantity is too large");
  }
  for (int k = 0; k < exp10; ++k) {
    value *= 10;
    if (value > kLimit && value != 0) return bad("quantity is too large");
  }
  if (exp10 < 0) {
    __int128 divisor = 1;
    for (int k = 0; k < -exp10; ++k) {
      divisor *= 10;
      if (divisor > kMantissaCap) break;
    }
    __int128 q = value / divisor;
    if (value % divisor != 0) ++q;  // Kubernetes rounds MilliValue up
    value = q;
  }
  if (value > kLimit) return bad("quantity is too large");
  Quantity q;
  q.text = text;
  q.milli = static_cast<int64_t>(negative ? -value : value);
  return q;
}

}  // namespace podctl::manifest
