#include "orchestrator/output/unified_diff.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace podctl {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Edit {
  char op;      // ' ', '-', '+'
  size_t a, b;  // line indexes in from / to (of the line itself, or where it would be)
};

// Longest common subsequence; manifests are small, so the quadratic table is fine.
std::vector<Edit> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j])
      edits.push_back({' ', i++, j++});
    else if (j < b.size() && (i == a.size() || lcs[i][j + 1] > lcs[i + 1][j]))
      edits.push_back({'+', i, j++});
    else
      edits.push_back({'-', i++, j});
  }
  return edits;
}

std::string range(size_t start, size_t count) {
  // diff -u numbers lines from 1; an empty range names the line before it.
  if (count == 0) return std::to_string(start) + ",0";
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(const std::string& from_label, const std::string& from, const std::string& to_label,
                         const std::string& to, int context) {
  auto a = lines_of(from), b = lines_of(to);
  auto edits = edit_script(a, b);
  std::vector<size_t> changes;
  for (size_t k = 0; k < edits.size(); ++k)
    if (edits[k].op != ' ') changes.push_back(k);
  const size_t ctx = static_cast<size_t>(context);
  std::string out;
  for (size_t c = 0; c < changes.size();) {
    // Changes closer than 2 × context unchanged lines share a hunk.
    size_t last = c;
    while (last + 1 < changes.size() && changes[last + 1] - changes[last] - 1 <= 2 * ctx) ++last;
    size_t start = changes[c] >= ctx ? changes[c] - ctx : 0;
    size_t end = std::min(edits.size(), changes[last] + ctx + 1);
    size_t a_count = 0, b_count = 0;
    for (size_t t = start; t < end; ++t) {
      a_count += edits[t].op != '+';
      b_count += edits[t].op != '-';
    }
    out += "@@ -" + range(edits[start].a, a_count) + " +" + range(edits[start].b, b_count) + " @@\n";
    for (size_t t = start; t < end; ++t)
      out += std::string(1, edits[t].op) + (edits[t].op == '+' ? b[edits[t].b] : a[edits[t].a]) + "\n";
    c = last + 1;
  }
  if (out.empty()) return "";
  return "--- " + from_label + "\n+++ " + to_label + "\n" + out;
}

}  // namespace podctl
