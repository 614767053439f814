#include "orchestrator/output/describe_container.h"

namespace podctl {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string indent_lines(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

std::string list_section(const json& c, const char* key, const char* title) {
  std::string out;
  for (const auto& part : c.value(key, json::array()))
    out.append("\n      ").append(indent_lines(part.is_string() ? part.get<std::string>() : part.dump(), "      "));
  return out.empty() ? "" : std::string("    ") + title + ":" + out + "\n";
}

std::string port_text(const json& port, const char* key) {
  return str(port, key, "0") + "/" + str(port, "protocol", "TCP");
}

std::string probe_action(const json& p) {
  if (p.contains("exec")) {
    std::string cmd;
    for (const auto& part : p["exec"].value("command", json::array()))
      cmd.append(cmd.empty() ? "" : " ").append(part.get<std::string>());
    return "exec [" + cmd + "]";
  }
  if (p.contains("httpGet")) {
    const json& h = p["httpGet"];
    std::string scheme = str(h, "scheme", "HTTP");
    for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return "http-get " + scheme + "://" + str(h, "host") + ":" + str(h, "port") + str(h, "path", "/");
  }
  if (p.contains("tcpSocket")) return "tcp-socket " + str(p["tcpSocket"], "host") + ":" + str(p["tcpSocket"], "port");
  if (p.contains("grpc")) return "grpc <pod>:" + str(p["grpc"], "port");
  return "unknown";
}

// kubectl's defaults, shown when the spec leaves them out.
std::string probe_text(const json& p) {
  return probe_action(p) + " delay=" + str(p, "initialDelaySeconds", "0") +
         "s timeout=" + str(p, "timeoutSeconds", "1") + "s period=" + str(p, "periodSeconds", "10") +
         "s #success=" + str(p, "successThreshold", "1") + " #failure=" + str(p, "failureThreshold", "3");
}

std::string optional_text(const json& ref) { return ref.value("optional", false) ? "true" : "false"; }

std::string env_value(const json& e) {
  if (e.contains("value")) return indent_lines(str(e, "value"), "        ");
  if (!e.contains("valueFrom")) return "";
  const json& from = e["valueFrom"];
  if (from.contains("secretKeyRef")) {
    const json& r = from["secretKeyRef"];
    return "<set to the key '" + str(r, "key") + "' in secret '" + str(r, "name") + "'>  Optional: " + optional_text(r);
  }
  if (from.contains("configMapKeyRef")) {
    const json& r = from["configMapKeyRef"];
    return "<set to the key '" + str(r, "key") + "' of config map '" + str(r, "name") +
           "'>  Optional: " + optional_text(r);
  }
  if (from.contains("fieldRef"))
    return " (" + str(from["fieldRef"], "apiVersion", "v1") + ":" + str(from["fieldRef"], "fieldPath") + ")";
  if (from.contains("resourceFieldRef")) return " (" + str(from["resourceFieldRef"], "resource") + ")";
  return "";
}

}  // namespace

std::string describe_command(const json& c) {
  return list_section(c, "command", "Command") + list_section(c, "args", "Args");
}

std::string describe_ports(const json& c) {
  const json& ports = c.value("ports", json::array());
  if (ports.empty()) return "";
  std::string container, host;
  for (const auto& p : ports) {
    container.append(container.empty() ? "" : ", ").append(port_text(p, "containerPort"));
    host.append(host.empty() ? "" : ", ").append(port_text(p, "hostPort"));
  }
  if (ports.size() == 1) return "    Port:           " + container + "\n    Host Port:      " + host + "\n";
  return "    Ports:          " + container + "\n    Host Ports:     " + host + "\n";
}

std::string describe_probes(const json& c) {
  std::string out;
  for (auto [key, title] :
       {std::pair{"livenessProbe", "Liveness: "}, {"readinessProbe", "Readiness:"}, {"startupProbe", "Startup:  "}})
    if (c.contains(key)) out.append("    ").append(title).append("      ").append(probe_text(c[key])).append("\n");
  return out;
}

std::string describe_environment(const json& c) {
  std::string out;
  if (c.contains("envFrom")) {
    out += "    Environment Variables from:\n";
    for (const auto& f : c["envFrom"]) {
      bool secret = f.contains("secretRef");
      const json& ref = secret ? f["secretRef"] : f.value("configMapRef", json::object());
      out += "      " + str(ref, "name") + "  " + (secret ? "Secret" : "ConfigMap") +
             (f.contains("prefix") ? " with prefix '" + str(f, "prefix") + "'" : "") +
             "  Optional: " + optional_text(ref) + "\n";
    }
  }
  const json& env = c.value("env", json::array());
  out += env.empty() ? "    Environment:    <none>\n" : "    Environment:\n";
  for (const auto& e : env) {
    std::string value = env_value(e);
    out += "      " + str(e, "name") + ":" + (value.rfind(" (", 0) == 0 ? "" : "  ") + value + "\n";
  }
  return out;
}

std::string describe_mounts(const json& c) {
  const json& mounts = c.value("volumeMounts", json::array());
  if (mounts.empty()) return "    Mounts:         <none>\n";
  std::string out = "    Mounts:\n";
  for (const auto& m : mounts) {
    std::string mode = m.value("readOnly", false) ? "ro" : "rw";
    if (m.contains("subPath")) mode += ",path=\"" + str(m, "subPath") + "\"";
    out += "      " + str(m, "mountPath") + " from " + str(m, "name") + " (" + mode + ")\n";
  }
  return out;
}

std::string describe_volumes(const json& spec) {
  const json& volumes = spec.value("volumes", json::array());
  if (volumes.empty()) return "Volumes:            <none>\n";
  std::string out = "Volumes:\n";
  for (const auto& v : volumes) {
    out += "  " + str(v, "name") + ":\n";
    if (v.contains("emptyDir")) {
      out += "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:     " +
             str(v["emptyDir"], "medium") + "\n    SizeLimit:  " + str(v["emptyDir"], "sizeLimit", "<unset>") + "\n";
    } else if (v.contains("configMap")) {
      out += "    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      " +
             str(v["configMap"], "name") + "\n    Optional:  " + optional_text(v["configMap"]) + "\n";
    } else if (v.contains("secret")) {
      out += "    Type:        Secret (a volume populated by a Secret)\n    SecretName:  " +
             str(v["secret"], "secretName") + "\n    Optional:    " + optional_text(v["secret"]) + "\n";
    } else if (v.contains("hostPath")) {
      out +=
          "    Type:          HostPath (bare host directory volume)\n    Path:          " + str(v["hostPath"], "path") +
          "\n    HostPathType:  " + str(v["hostPath"], "type") + "\n";
    } else if (v.contains("downwardAPI")) {
      out += "    Type:        DownwardAPI (a volume populated by information about the pod)\n    Items:\n";
      for (const auto& item : v["downwardAPI"].value("items", json::array()))
        out += "      " + str(item.value("fieldRef", json::object()), "fieldPath") + " -> " + str(item, "path") + "\n";
    } else {
      for (const auto& [kind, value] : v.items())
        if (kind != "name") out += "    Type:  " + kind + "\n";
    }
  }
  return out;
}

}  // namespace podctl
