#include "orchestrator/reference/field_reference.h"

#include <sstream>

namespace podctl {
namespace {

struct Section {
  std::string title;
  std::string prose;
  std::vector<std::vector<std::string>> rows;  // table rows, header and separator left out
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n") - b + 1);
}

// A table row's cells; `\|` is a bar inside a cell.
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      out.push_back(trim(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

// The "## " sections of the page ("### " ones belong to theirs): the prose before the first table,
// and that table's rows (its header and separator left out).
std::vector<Section> sections_of(const std::string& markdown) {
  std::vector<Section> out;
  std::istringstream in(markdown);
  bool in_table = false, table_seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) {
      out.push_back({line.substr(3), "", {}});
      in_table = table_seen = false;
      continue;
    }
    if (out.empty()) continue;
    auto& s = out.back();
    bool bar = line.rfind("|", 0) == 0;
    if (bar && !in_table) {  // a table's first line is its header
      in_table = true;
      continue;
    }
    if (!bar) {
      table_seen |= in_table;
      in_table = false;
    }
    if (bar && line.rfind("|---", 0) != 0 && !table_seen) s.rows.push_back(cells_of(line));
    if (!bar && !table_seen && line.rfind("### ", 0) != 0)
      s.prose += line.empty() ? std::string("\n\n") : (s.prose.empty() ? "" : " ") + line;
  }
  return out;
}

std::string first_segment(const std::string& path) { return path.substr(0, path.find('.')); }

std::string parent_of(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

// "`spec.securityContext.runAsUser`, `.runAsGroup` (note `x`)" → the two full paths.
std::vector<std::string> paths_of(const std::string& cell) {
  std::string text;
  int depth = 0;
  for (char c : cell) {  // parenthesised notes name values, not fields
    if (c == '(') ++depth;
    if (depth == 0) text += c;
    if (c == ')' && depth > 0) --depth;
  }
  std::vector<std::string> out;
  for (size_t open = text.find('`'); open != std::string::npos; open = text.find('`', open)) {
    size_t close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    std::string token = text.substr(open + 1, close - open - 1);
    open = close + 1;
    token = token.substr(0, token.find_first_of(" :"));
    for (size_t at; (at = token.find("[]")) != std::string::npos;) token.erase(at, 2);
    if (token.empty()) continue;
    if (out.empty()) {
      out.push_back(token);
    } else if (token[0] == '.') {
      out.push_back(parent_of(out[0]) + token);
    } else if (first_segment(token) == first_segment(out[0]) || parent_of(out[0]).empty()) {
      out.push_back(token);
    } else {
      out.push_back(parent_of(out[0]) + "." + token);
    }
  }
  return out;
}

// Markdown to plain text: no backticks, links as their text, no emphasis.
std::string plain(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '`' || (c == '*' && i + 1 < text.size() && text[i + 1] == '*')) {
      if (c == '*') ++i;
      continue;
    }
    if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
      auto close = text.find(')', i);
      if (close != std::string::npos) {
        i = close;
        continue;
      }
    }
    if (c == '[' && text.find("](", i) != std::string::npos && text.find("](", i) < text.find(' ', i)) continue;
    out += c;
  }
  return trim(out);
}

struct KindSource {
  const char* resource;
  const char* kind;
  const char* api_version;
  const char* section;  // the first word of its "## " title
};

constexpr KindSource kKinds[] = {
    {"pods", "Pod", "v1", "Pod"},
    {"configmaps", "ConfigMap", "v1", "ConfigMap"},
    {"secrets", "Secret", "v1", "ConfigMap"},
    {"deployments", "Deployment", "apps/v1", "Deployment"},
    {"replicasets", "ReplicaSet", "apps/v1", "Deployment"},
    {"namespaces", "Namespace", "v1", "Namespace"},
    {"statefulsets", "StatefulSet", "apps/v1", "StatefulSet"},
    {"jobs", "Job", "batch/v1", "Job"},
    {"persistentvolumeclaims", "PersistentVolumeClaim", "v1", "PersistentVolumeClaim"},
    {"services", "Service", "v1", "Service"},
};

const Section* section_named(const std::vector<Section>& sections, const std::string& word) {
  for (const auto& s : sections)
    if (first_segment(s.title.substr(0, s.title.find(' '))) == word) return &s;
  return nullptr;
}

void add_rows(KindReference& ref, const Section& s, const std::string& prefix, const std::string& kind) {
  for (const auto& row : s.rows) {
    if (row.size() < 2) continue;
    // "(Deployment)" marks a row of one of the section's kinds.
    if (row[0].find("(Deployment)") != std::string::npos && kind != "Deployment") continue;
    for (const auto& path : paths_of(row[0]))
      ref.fields.push_back({prefix + path, plain(row[1]), row.size() > 2 ? plain(row[2]) : ""});
  }
}

std::string wrapped(const std::string& text, const std::string& indent, size_t width = 80) {
  std::string out, line;
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!line.empty() && indent.size() + line.size() + 1 + w.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

// Up to the first "; " or ". " that is not inside parentheses.
std::string first_clause(const std::string& text) {
  int depth = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && depth > 0) --depth;
    if (depth == 0 && (text[i] == ';' || text[i] == '.') && text[i + 1] == ' ') return text.substr(0, i);
  }
  return text;
}

std::string header(const KindReference& ref) {
  return "KIND:       " + ref.kind + "\nVERSION:    " + ref.api_version + "\n\n";
}

std::string field_list(const std::vector<const FieldReference*>& fields, const std::string& under, bool recursive) {
  std::string out = "FIELDS:\n";
  for (const auto* f : fields) {
    std::string name = under.empty() ? f->path : f->path.substr(under.size() + 1);
    out += "  " + name + "\n";
    if (recursive) continue;
    std::string summary = first_clause(f->meaning);
    if (summary.size() > 150) summary = summary.substr(0, summary.rfind(' ', 150)) + " …";
    out += wrapped(summary, "    ") + "\n";
  }
  return out;
}

bool is_template_owner(const std::string& resource) {
  return resource == "deployments" || resource == "replicasets" || resource == "statefulsets" || resource == "jobs";
}

}  // namespace

KindReference kind_reference(const std::string& markdown, const std::string& resource) {
  KindReference ref;
  auto sections = sections_of(markdown);
  for (const auto& k : kKinds) {
    if (resource != k.resource) continue;
    ref.kind = k.kind;
    ref.api_version = k.api_version;
    const Section* s = section_named(sections, k.section);
    if (!s) break;
    ref.description = plain(s->prose);
    add_rows(ref, *s, "", ref.kind);
    if (resource != "pods") break;
    if (const Section* c = section_named(sections, "Container")) {
      add_rows(ref, *c, "spec.containers.", ref.kind);
      add_rows(ref, *c, "spec.initContainers.", ref.kind);
    }
    if (const Section* v = section_named(sections, "Volumes")) add_rows(ref, *v, "spec.volumes.", ref.kind);
  }
  return ref;
}

Result<std::string> explain_field(const std::string& markdown, const std::string& resource, const std::string& path,
                                  bool recursive) {
  KindReference ref = kind_reference(markdown, resource);
  if (ref.kind.empty()) return fail(make_error("podctl has no reference for \"" + resource + "\""));
  std::string wanted = path;
  for (size_t at; (at = wanted.find("[]")) != std::string::npos;) wanted.erase(at, 2);
  // A workload's pod template is a pod: spec.template.spec.X is the pod's spec.X.
  if (is_template_owner(resource) && wanted.rfind("spec.template.", 0) == 0) {
    const std::string in_pod = wanted.substr(14);
    auto pod = explain_field(markdown, "pods", in_pod, recursive);
    if (!pod) return fail(make_error("field \"" + path + "\": " + pod.error().message));
    // The pod's answer without its KIND, VERSION and FIELD lines.
    size_t body = pod->find("\n\n", pod->find("FIELD: ")) + 2;
    return header(ref) + "FIELD: " + path + " (the pod template's: a Pod's " + in_pod + ")\n\n" + pod->substr(body);
  }
  if (wanted.empty()) {
    std::vector<const FieldReference*> all;
    for (const auto& f : ref.fields) all.push_back(&f);
    return header(ref) + "DESCRIPTION:\n" + wrapped(ref.description, "    ") + "\n" +
           (all.empty() ? "" : field_list(all, "", recursive));
  }
  std::vector<const FieldReference*> exact, under;
  const FieldReference* ancestor = nullptr;
  for (const auto& f : ref.fields) {
    if (f.path == wanted) exact.push_back(&f);
    if (f.path.rfind(wanted + ".", 0) == 0) under.push_back(&f);
    if (wanted.rfind(f.path + ".", 0) == 0 && (!ancestor || f.path.size() > ancestor->path.size())) ancestor = &f;
  }
  std::string out = header(ref) + "FIELD: " + path + "\n\n";
  for (const auto* f : exact) {
    out += "DESCRIPTION:\n" + wrapped(f->meaning, "    ") + "\n";
    if (!f->limits.empty()) out += "DEFAULT AND LIMITS:\n" + wrapped(f->limits, "    ") + "\n";
  }
  if (!under.empty()) out += field_list(under, wanted, recursive);
  if (!exact.empty() || !under.empty()) return out;
  if (ancestor)
    return out + "DESCRIPTION (of " + ancestor->path + ", which covers it):\n" + wrapped(ancestor->meaning, "    ") + "\n" +
           (ancestor->limits.empty() ? "" : "DEFAULT AND LIMITS:\n" + wrapped(ancestor->limits, "    ") + "\n");
  return fail(make_error("field \"" + path + "\" of " + ref.kind +
                         " is not one podctl supports (the manifest reference lists those it does, and what it "
                         "refuses)"));
}

}  // namespace podctl
