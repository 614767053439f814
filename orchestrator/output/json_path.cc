#include "orchestrator/output/json_path.h"

#include <cctype>
#include <memory>
#include <variant>

namespace podctl {
namespace {

using nlohmann::json;

// One step of a path. A filter holds its own relative path (after '@') and what it compares with.
struct Step;
using Path = std::vector<Step>;
struct Filter {
  std::shared_ptr<Path> lhs;
  std::string op;  // "" (exists), ==, !=, <, <=, >, >=
  json rhs;
};
struct Step {
  enum Kind { Field, Recursive, Index, Slice, All, FilterStep } kind = Field;
  std::string name;  // Field, Recursive ("*": every member)
  long start = 0, end = 0;
  bool has_start = false, has_end = false;
  Filter filter;
};

// A template: text, {expression}, {"literal"}, {range expression} … {end}.
struct Node {
  enum Kind { Text, Expr, Range } kind = Text;
  std::string text;
  Path path;
  std::vector<Node> body;  // Range
};

struct Parser {
  const std::string& s;
  size_t i = 0;
  std::string error;

  bool fail(const std::string& why) {
    if (error.empty()) error = why;
    return false;
  }
  void skip_spaces() {
    while (i < s.size() && s[i] == ' ') ++i;
  }
  static bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

  std::string name() {
    size_t j = i;
    while (j < s.size() && name_char(s[j])) ++j;
    std::string out = s.substr(i, j - i);
    i = j;
    return out;
  }

  bool literal(json& out) {
    skip_spaces();
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      char q = s[i++];
      size_t close = s.find(q, i);
      if (close == std::string::npos) return fail("an unterminated string");
      out = s.substr(i, close - i);
      i = close + 1;
      return true;
    }
    size_t j = i;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '-')) ++j;
    std::string word = s.substr(i, j - i);
    i = j;
    if (word == "true" || word == "false") {
      out = word == "true";
      return true;
    }
    char* end = nullptr;
    double number = std::strtod(word.c_str(), &end);
    if (word.empty() || *end) return fail("expected a string, a number, true or false in a filter");
    out = number;
    return true;
  }

  bool filter(Step& step) {
    // [?(@.a.b OP value)]
    i += 2;  // "?("
    skip_spaces();
    if (i >= s.size() || s[i] != '@') return fail("a filter starts with @");
    ++i;
    auto lhs = std::make_shared<Path>();
    if (!path(*lhs, ")=!<> ")) return false;
    skip_spaces();
    std::string op;
    while (i < s.size() && (s[i] == '=' || s[i] == '!' || s[i] == '<' || s[i] == '>')) op += s[i++];
    if (!op.empty() && op != "==" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=")
      return fail("unknown operator " + op);
    json rhs;
    if (!op.empty() && !literal(rhs)) return false;
    skip_spaces();
    if (s.compare(i, 2, ")]") != 0) return fail("a filter ends with )]");
    i += 2;
    step.kind = Step::FilterStep;
    step.filter = {lhs, op, rhs};
    return true;
  }

  bool bracket(Path& out) {
    ++i;  // '['
    if (s.compare(i, 2, "?(") == 0) {
      Step step;
      if (!filter(step)) return false;
      out.push_back(step);
      return true;
    }
    size_t close = s.find(']', i);
    if (close == std::string::npos) return fail("'[' without ']'");
    std::string inside = s.substr(i, close - i);
    i = close + 1;
    Step step;
    if (inside == "*") {
      step.kind = Step::All;
    } else if (inside.size() >= 2 && (inside[0] == '\'' || inside[0] == '"') && inside.back() == inside[0]) {
      step.kind = Step::Field;
      step.name = inside.substr(1, inside.size() - 2);
    } else if (auto colon = inside.find(':'); colon != std::string::npos) {
      step.kind = Step::Slice;
      std::string a = inside.substr(0, colon), b = inside.substr(colon + 1);
      if (b.find(':') != std::string::npos) b = b.substr(0, b.find(':'));  // a step is not supported: ignored as 1
      auto number = [&](const std::string& t, long& v, bool& has) {
        if (t.empty()) return true;
        char* end = nullptr;
        v = std::strtol(t.c_str(), &end, 10);
        has = true;
        return *end == '\0';
      };
      if (!number(a, step.start, step.has_start) || !number(b, step.end, step.has_end))
        return fail("a slice is [start:end] of integers");
    } else {
      char* end = nullptr;
      long n = std::strtol(inside.c_str(), &end, 10);
      if (inside.empty() || *end) return fail("[" + inside + "] is not an index, a slice, * or a filter");
      step.kind = Step::Index;
      step.start = n;
    }
    out.push_back(step);
    return true;
  }

  // Steps until one of `stops` (or the end).
  bool path(Path& out, const std::string& stops) {
    if (i < s.size() && s[i] == '$') ++i;
    while (i < s.size() && stops.find(s[i]) == std::string::npos) {
      if (s.compare(i, 2, "..") == 0) {
        i += 2;
        Step step;
        step.kind = Step::Recursive;
        step.name = i < s.size() && s[i] == '*' ? (++i, "*") : name();
        if (step.name.empty()) return fail("a field name is missing after '..'");
        out.push_back(step);
      } else if (s[i] == '.') {
        ++i;
        if (i < s.size() && s[i] == '*') {
          ++i;
          out.push_back({Step::All});
          continue;
        }
        if (i < s.size() && s[i] == '[') continue;  // ".[0]"
        Step step;
        step.name = name();
        if (step.name.empty()) {
          if (i >= s.size() || stops.find(s[i]) != std::string::npos) break;  // "{.}": the object itself
          return fail("a field name is missing after '.'");
        }
        out.push_back(step);
      } else if (s[i] == '[') {
        if (!bracket(out)) return false;
      } else {
        return fail(std::string("unexpected '") + s[i] + "'");
      }
    }
    return true;
  }

  // Template nodes until {end} (inside a range) or the end of the text.
  bool nodes(std::vector<Node>& out, bool in_range) {
    while (i < s.size()) {
      size_t open = s.find('{', i);
      if (open != i) {
        size_t stop = open == std::string::npos ? s.size() : open;
        out.push_back({Node::Text, s.substr(i, stop - i), {}, {}});
        i = stop;
        continue;
      }
      ++i;
      skip_spaces();
      if (s.compare(i, 3, "end") == 0 && s.find('}', i) == i + 3) {
        if (!in_range) return fail("{end} without {range}");
        i += 4;
        return true;
      }
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        json text;
        if (!literal(text)) return false;
        skip_spaces();
        if (i >= s.size() || s[i] != '}') return fail("'{' without '}'");
        ++i;
        out.push_back({Node::Text, unescape(text.get<std::string>()), {}, {}});
        continue;
      }
      Node node;
      if (s.compare(i, 6, "range ") == 0) {
        i += 6;
        skip_spaces();
        node.kind = Node::Range;
      } else {
        node.kind = Node::Expr;
      }
      if (!path(node.path, "} ")) return false;
      skip_spaces();
      if (i >= s.size() || s[i] != '}') return fail("'{' without '}'");
      ++i;
      if (node.kind == Node::Range && !nodes(node.body, true)) return false;
      out.push_back(std::move(node));
    }
    if (in_range) return fail("{range} without {end}");
    return true;
  }

  static std::string unescape(const std::string& t) {
    std::string out;
    for (size_t k = 0; k < t.size(); ++k) {
      if (t[k] == '\\' && k + 1 < t.size()) {
        char c = t[++k];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += t[k];
      }
    }
    return out;
  }
};

using Nodes = std::vector<const json*>;

Nodes apply(const Path& path, Nodes at);

bool compare(const json& value, const std::string& op, const json& rhs) {
  if (op == "==") return value == rhs || (value.is_number() && rhs.is_number() && value.get<double>() == rhs.get<double>());
  if (op == "!=") return !compare(value, "==", rhs);
  if (value.is_number() && rhs.is_number()) {
    double a = value.get<double>(), b = rhs.get<double>();
    return op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b;
  }
  if (value.is_string() && rhs.is_string()) {
    const auto &a = value.get_ref<const std::string&>(), &b = rhs.get_ref<const std::string&>();
    return op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b;
  }
  return false;
}

void descend(const json& j, const std::string& name, Nodes& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (name == "*" || k == name) out.push_back(&v);
      descend(v, name, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) descend(v, name, out);
  }
}

Nodes step(const Step& s, const Nodes& at) {
  Nodes out;
  for (const json* j : at) {
    switch (s.kind) {
      case Step::Field:
        if (j->is_object() && j->contains(s.name)) out.push_back(&(*j)[s.name]);
        break;
      case Step::Recursive:
        descend(*j, s.name, out);
        break;
      case Step::All:
        if (j->is_array() || j->is_object())
          for (const auto& v : *j) out.push_back(&v);
        break;
      case Step::Index: {
        if (!j->is_array()) break;
        long n = s.start < 0 ? static_cast<long>(j->size()) + s.start : s.start;
        if (n >= 0 && n < static_cast<long>(j->size())) out.push_back(&(*j)[static_cast<size_t>(n)]);
        break;
      }
      case Step::Slice: {
        if (!j->is_array()) break;
        long size = static_cast<long>(j->size());
        auto clamp = [&](long v) { return std::max(0L, std::min(size, v < 0 ? size + v : v)); };
        long a = s.has_start ? clamp(s.start) : 0, b = s.has_end ? clamp(s.end) : size;
        for (long k = a; k < b; ++k) out.push_back(&(*j)[static_cast<size_t>(k)]);
        break;
      }
      case Step::FilterStep:
        if (!j->is_array()) break;
        for (const auto& item : *j) {
          Nodes found = apply(*s.filter.lhs, {&item});
          bool keep = s.filter.op.empty() ? !found.empty()
                                          : std::any_of(found.begin(), found.end(), [&](const json* v) {
                                              return compare(*v, s.filter.op, s.filter.rhs);
                                            });
          if (keep) out.push_back(&item);
        }
        break;
    }
  }
  return out;
}

Nodes apply(const Path& path, Nodes at) {
  for (const auto& s : path) at = step(s, at);
  return at;
}

std::string printed(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

// kubectl prints the results of one expression separated by spaces.
void render(const std::vector<Node>& nodes, const json& current, std::string& out, bool& found_any,
            const char* separator) {
  for (const auto& n : nodes) {
    if (n.kind == Node::Text) {
      out += n.text;
      continue;
    }
    Nodes results = apply(n.path, {&current});
    found_any |= !results.empty();
    if (n.kind == Node::Range) {
      for (const json* r : results) render(n.body, *r, out, found_any, separator);
      continue;
    }
    for (size_t k = 0; k < results.size(); ++k) {
      if (k) out.append(separator);
      out.append(printed(*results[k]));
    }
  }
}

std::optional<std::vector<Node>> parse(const std::string& expression, std::string* why) {
  Parser p{expression};
  std::vector<Node> nodes;
  if (expression.find('{') == std::string::npos) {
    if (why) *why = "JSONPath \"" + expression + "\": must look like {.status.phase}";
    return std::nullopt;
  }
  if (!p.nodes(nodes, false)) {
    if (why) *why = "JSONPath \"" + expression + "\": " + p.error;
    return std::nullopt;
  }
  return nodes;
}

}  // namespace

bool valid_json_path(const std::string& expression, std::string* why) { return parse(expression, why).has_value(); }

std::optional<std::string> json_path_value(const nlohmann::json& object, const std::string& expression,
                                           std::string* why, const char* separator) {
  auto nodes = parse(expression, why);
  if (!nodes) return std::nullopt;
  std::string out;
  bool found_any = false;
  render(*nodes, object, out, found_any, separator);
  // A template that is one expression finding nothing is "not there" (wait keeps waiting).
  bool single = nodes->size() == 1 && (*nodes)[0].kind == Node::Expr;
  if (single && !found_any) return std::nullopt;
  return out;
}

}  // namespace podctl
