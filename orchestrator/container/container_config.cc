#include "orchestrator/container/container_config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <sstream>

#include "base/files.h"
#include "base/safe_open.h"
#include "orchestrator/container/capabilities.h"

namespace podctl {
namespace {

// The image config is foreign JSON: a field of another type reads as absent, never as an exception.
std::string json_string(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> json_strings(const nlohmann::json& config, const char* key) {
  std::vector<std::string> out;
  auto it = config.find(key);
  if (it != config.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// A file of the image: the topmost layer that has it (a whiteout above it would hide it; passwd
// and group files are not whited out in practice).
// Opened inside each layer (RESOLVE_IN_ROOT): a layer's `etc -> /` must not make podctl read the
// host's /etc/passwd.
std::optional<std::string> image_file(const Image& image, const std::string& path) {
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it) {
    auto layer = open_directory(*it);
    if (!layer) continue;
    auto fd = open_in_root(layer->get(), path, O_RDONLY | O_NONBLOCK);
    struct stat st {};
    if (!fd || ::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (auto text = read_fd(fd->get(), path)) return *text;
  }
  return std::nullopt;
}

// name:x:uid:gid:… lines of /etc/passwd or /etc/group: the entry whose name (or id) matches.
std::optional<std::pair<uint32_t, uint32_t>> lookup_entry(const std::string& file, const std::string& key) {
  std::istringstream lines(file);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ':');) f.push_back(x);
    if (f.size() < 3 || (f[0] != key && f[2] != key)) continue;
    uint32_t id = static_cast<uint32_t>(std::strtoul(f[2].c_str(), nullptr, 10));
    uint32_t gid = f.size() > 3 ? static_cast<uint32_t>(std::strtoul(f[3].c_str(), nullptr, 10)) : id;
    return std::pair{id, gid};
  }
  return std::nullopt;
}

bool numeric(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

Result<ImageUser> image_user(const Image& image) {
  std::string user = json_string(image.config, "User");
  ImageUser out;
  if (user.empty()) return out;
  std::string name = user.substr(0, user.find(':'));
  std::string group = user.find(':') == std::string::npos ? "" : user.substr(user.find(':') + 1);
  out.numeric = numeric(name) && (group.empty() || numeric(group));
  auto passwd = image_file(image, "etc/passwd");
  auto entry = passwd ? lookup_entry(*passwd, name) : std::nullopt;
  if (numeric(name)) {
    out.uid = static_cast<uint32_t>(std::stoul(name));
    out.gid = entry ? entry->second : 0;
  } else if (entry) {
    out.uid = entry->first;
    out.gid = entry->second;
  } else {
    return fail(make_error("unable to find user " + name + ": no matching entries in passwd file"));
  }
  if (!group.empty()) {
    if (numeric(group)) {
      out.gid = static_cast<uint32_t>(std::stoul(group));
    } else {
      auto groups = image_file(image, "etc/group");
      auto g = groups ? lookup_entry(*groups, group) : std::nullopt;
      if (!g) return fail(make_error("unable to find group " + group + ": no matching entries in group file"));
      out.gid = g->first;
    }
  }
  return out;
}

int stop_signal(const Image& image) {
  std::string s = json_string(image.config, "StopSignal");
  if (s.empty()) return SIGTERM;
  if (numeric(s)) return std::stoi(s);
  if (s.rfind("SIG", 0) == 0) s = s.substr(3);
  static const std::pair<const char*, int> kSignals[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
      {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"WINCH", SIGWINCH}, {"PWR", SIGPWR},   {"STOP", SIGSTOP}};
  for (const auto& [name, sig] : kSignals)
    if (s == name) return sig;
  return SIGTERM;
}

std::string expand_vars(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] == '(') {
      auto close = text.find(')', i + 2);
      if (close != std::string::npos) {
        std::string name = text.substr(i + 2, close - i - 2);
        auto it = vars.find(name);
        if (it != vars.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

Result<ContainerConfig> make_container_config(const manifest::Pod& pod, const manifest::Container& c,
                                              const Image& image, const std::string& hostname, const PodFacts& facts) {
  ContainerConfig cfg;
  // Environment: image Env, then HOSTNAME, then the container's env (later entries may use earlier ones).
  std::vector<std::pair<std::string, std::string>> env;
  auto set = [&](const std::string& name, const std::string& value) {
    for (auto& [n, v] : env)
      if (n == name) {
        v = value;
        return;
      }
    env.emplace_back(name, value);
  };
  for (const auto& e : json_strings(image.config, "Env")) {
    auto eq = e.find('=');
    if (eq != std::string::npos) set(e.substr(0, eq), e.substr(eq + 1));
  }
  bool has_path = false;
  for (const auto& [n, v] : env) has_path |= n == "PATH";
  if (!has_path) set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  set("HOSTNAME", hostname);
  std::vector<EnvEntry> entries;
  PODCTL_ASSIGN_OR_RETURN(entries, resolve_env_sources(pod, c, facts));
  std::map<std::string, std::string> vars;
  for (const auto& e : entries) {
    std::string value = e.expand ? expand_vars(e.value, vars) : e.value;
    set(e.name, value);
    vars[e.name] = value;
  }
  for (const auto& [n, v] : env) cfg.env.push_back(n + "=" + v);

  // command/args: command replaces Entrypoint (and drops Cmd); args replace Cmd.
  std::vector<std::string> entrypoint = json_strings(image.config, "Entrypoint");
  std::vector<std::string> cmd = json_strings(image.config, "Cmd");
  std::vector<std::string> argv;
  if (!c.command.empty()) {
    argv = c.command;
    argv.insert(argv.end(), c.args.begin(), c.args.end());
  } else {
    argv = entrypoint;
    const auto& tail = c.args.empty() ? cmd : c.args;
    argv.insert(argv.end(), tail.begin(), tail.end());
  }
  if (argv.empty())
    return fail(make_error("no command specified: the image has no Entrypoint or Cmd, so set command in the manifest"));
  for (auto& a : argv) a = expand_vars(a, vars);
  cfg.argv = std::move(argv);

  cfg.working_dir = !c.working_dir.empty() ? c.working_dir : json_string(image.config, "WorkingDir");
  if (cfg.working_dir.empty()) cfg.working_dir = "/";

  const auto& psc = pod.spec.security_context;
  const manifest::ContainerSecurityContext empty;
  const auto& sc = c.security_context ? *c.security_context : empty;
  // The image's User unless the pod or container sets one.
  ImageUser from_image;
  PODCTL_ASSIGN_OR_RETURN(from_image, image_user(image));
  auto run_as_user = sc.run_as_user ? sc.run_as_user : psc.run_as_user;
  cfg.uid = run_as_user ? static_cast<uint32_t>(*run_as_user) : from_image.uid;
  cfg.gid =
      static_cast<uint32_t>(sc.run_as_group.value_or(psc.run_as_group.value_or(run_as_user ? 0 : from_image.gid)));
  bool non_root = sc.run_as_non_root.value_or(psc.run_as_non_root.value_or(false));
  if (non_root && !run_as_user && !from_image.numeric)
    return fail(make_error("container has runAsNonRoot and image has non-numeric user (" +
                           json_string(image.config, "User") + "), cannot verify user is non-root (pod: \"" +
                           pod.metadata.name + "_" + pod.metadata.namespace_ + "\", container: " + c.name + ")"));
  if (non_root && cfg.uid == 0)
    return fail(make_error("container has runAsNonRoot and image will run as root (pod: \"" + pod.metadata.name + "_" +
                           pod.metadata.namespace_ + "\", container: " + c.name + ")"));
  for (int64_t g : psc.supplemental_groups) cfg.groups.push_back(static_cast<gid_t>(g));
  if (psc.fs_group) cfg.groups.push_back(static_cast<gid_t>(*psc.fs_group));

  cfg.privileged = sc.privileged.value_or(false);
  uint64_t caps = cfg.privileged ? all_capabilities() : default_capabilities();
  if (!cfg.privileged && sc.capabilities) {
    PODCTL_ASSIGN_OR_RETURN(caps, apply_capability_changes(caps, sc.capabilities->add, sc.capabilities->drop));
  }
  cfg.capabilities = caps;
  cfg.no_new_privs = sc.allow_privilege_escalation.has_value() && !*sc.allow_privilege_escalation;
  cfg.read_only_root = sc.read_only_root_filesystem.value_or(false);
  return cfg;
}

}  // namespace podctl
