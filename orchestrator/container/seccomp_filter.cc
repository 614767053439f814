#include "orchestrator/container/seccomp_filter.h"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "base/files.h"
#include "base/fnv1a.h"
#include "base/safe_open.h"
#include "base/unique_fd.h"

namespace podctl {
namespace {

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using SeccompContext = std::unique_ptr<void, ContextDeleter>;

Result<uint32_t> action_of(const std::string& action, std::optional<unsigned> errno_ret) {
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_KILL" || action == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  return fail(make_error("unknown seccomp action " + action));
}

scmp_compare compare_of(const std::string& op) {
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  return SCMP_CMP_EQ;
}

// "SCMP_ARCH_X86_64" → libseccomp's token; 0 when it does not know it.
uint32_t arch_of(const std::string& name) {
  std::string n = name.rfind("SCMP_ARCH_", 0) == 0 ? name.substr(10) : name;
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return seccomp_arch_resolve_name(n.c_str());
}

Status add_rule(void* ctx, const plan::SeccompRule& rule, uint32_t default_action) {
  uint32_t action;
  PODCTL_ASSIGN_OR_RETURN(action, action_of(rule.action, rule.errno_ret));
  if (action == default_action) return {};  // libseccomp refuses a rule that changes nothing
  std::vector<scmp_arg_cmp> conditions;
  for (const auto& a : rule.args) conditions.push_back(scmp_arg_cmp{a.index, compare_of(a.op), a.value, a.value_two});
  for (const auto& name : rule.names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // a syscall this libseccomp or architecture does not have
    int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conditions.size()), conditions.data());
    if (rc < 0) return fail(sys_error("seccomp rule for " + name, -rc));
  }
  return {};
}

}  // namespace

Result<SeccompProgram> compile_seccomp(const plan::SeccompProfile& profile) {
  uint32_t default_action;
  PODCTL_ASSIGN_OR_RETURN(default_action, action_of(profile.default_action, profile.default_errno));
  SeccompContext ctx(seccomp_init(default_action));
  if (!ctx) return fail(make_error("seccomp_init failed"));
  for (const auto& arch : profile.architectures) {
    uint32_t token = arch_of(arch);
    if (token == 0) return fail(make_error("unknown seccomp architecture " + arch));
    int rc = seccomp_arch_add(ctx.get(), token);
    if (rc < 0 && rc != -EEXIST) return fail(sys_error("seccomp architecture " + arch, -rc));
  }
  for (const auto& rule : profile.syscalls) PODCTL_TRY(add_rule(ctx.get(), rule, default_action));
  // The BPF text, through a memfd (libseccomp 2.5 exports to an fd only).
  UniqueFd out(::memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!out) return fail(sys_error("memfd_create"));
  if (int rc = seccomp_export_bpf(ctx.get(), out.get()); rc < 0)
    return fail(sys_error("export the seccomp filter", -rc));
  struct stat st {};
  if (::fstat(out.get(), &st) != 0) return fail(sys_error("stat the seccomp filter"));
  SeccompProgram program(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  if (::pread(out.get(), program.data(), program.size() * sizeof(sock_filter), 0) !=
      static_cast<ssize_t>(program.size() * sizeof(sock_filter)))
    return fail(sys_error("read the seccomp filter"));
  return program;
}

namespace {

// A name for the compiled RuntimeDefault: what goes into it (the profile as data, this
// architecture, libseccomp's version) hashed, so that a change to any of them compiles afresh.
std::string runtime_default_key(const plan::SeccompProfile& profile, const std::string& machine) {
  // Appended piece by piece: GCC 12 warns falsely on chains of string operator+ (bug 105329).
  std::string text = machine;
  auto add = [&](const std::string& piece) {
    text.push_back('|');
    text.append(piece);
  };
  add(profile.default_action);
  if (const scmp_version* v = seccomp_version())
    add(std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro));
  for (const auto& r : profile.syscalls) {
    add(r.action);
    add(std::to_string(r.errno_ret.value_or(0)));
    for (const auto& n : r.names) add(n);
    for (const auto& a : r.args) {
      add(std::to_string(a.index));
      add(a.op);
      add(std::to_string(a.value));
      add(std::to_string(a.value_two));
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  return hex;
}

Result<SeccompProgram> runtime_default_program(uint64_t capabilities, const std::string& cache_dir) {
  static std::map<uint64_t, SeccompProgram> compiled;  // a supervisor restarting a container asks again and again
  if (auto it = compiled.find(capabilities); it != compiled.end()) return it->second;
  utsname u{};
  ::uname(&u);
  plan::SeccompProfile profile = plan::runtime_default_profile(u.machine, capabilities);
  std::string file = cache_dir + "/runtime-default-" + runtime_default_key(profile, u.machine) + ".bpf";
  SeccompProgram program;
  auto kept = read_file(file);
  if (kept && !kept->empty() && kept->size() % sizeof(sock_filter) == 0) {
    program.resize(kept->size() / sizeof(sock_filter));
    std::memcpy(program.data(), kept->data(), kept->size());
  } else {
    PODCTL_ASSIGN_OR_RETURN(program, compile_seccomp(profile));
    // Best effort: the next supervisor reads it instead of compiling.
    if (make_dirs(cache_dir, 0700))
      (void)write_file_atomic(
          file, std::string(reinterpret_cast<const char*>(program.data()), program.size() * sizeof(sock_filter)), 0600,
          /*durable=*/false);
  }
  return compiled.emplace(capabilities, std::move(program)).first->second;
}

}  // namespace

Result<SeccompProgram> seccomp_program(const plan::SeccompChoice& choice, uint64_t capabilities,
                                       const SeccompPlaces& places) {
  if (choice.type == "Unconfined") return SeccompProgram{};
  if (choice.type == "RuntimeDefault") return runtime_default_program(capabilities, places.cache_dir);
  // Localhost: a profile file of the root, the path resolved beneath its seccomp/ directory.
  const std::string& seccomp_dir = places.profiles_dir;
  std::string shown = seccomp_dir + "/" + choice.localhost_profile;
  auto dir = open_directory(seccomp_dir);
  if (!dir) return fail(make_error("seccomp profile " + shown + " not found (" + dir.error().message + ")"));
  auto fd = open_within(dir->get(), choice.localhost_profile, O_RDONLY | O_NONBLOCK);
  if (!fd) return fail(make_error("seccomp profile " + shown + ": " + fd.error().message));
  std::string text;
  PODCTL_ASSIGN_OR_RETURN(text, read_fd(fd->get(), shown));
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return fail(make_error("seccomp profile " + shown + " is not JSON"));
  plan::SeccompProfile profile;
  PODCTL_ASSIGN_OR_RETURN(profile, plan::parse_oci_seccomp(doc, "seccomp profile " + shown));
  return compile_seccomp(profile);
}

Result<SeccompProgram> container_seccomp(const manifest::Pod& pod, const manifest::Container& c, bool privileged,
                                         uint64_t capabilities, const std::string& root_default,
                                         const SeccompPlaces& places) {
  auto choice_of = [](const std::optional<manifest::SeccompProfileRef>& ref) -> std::optional<plan::SeccompChoice> {
    if (!ref) return std::nullopt;
    return plan::SeccompChoice{ref->type, ref->localhost_profile};
  };
  std::optional<manifest::SeccompProfileRef> own;
  if (c.security_context) own = c.security_context->seccomp_profile;
  auto choice = plan::choose_seccomp(choice_of(own), choice_of(pod.spec.security_context.seccomp_profile), privileged,
                                     root_default);
  return seccomp_program(choice, capabilities, places);
}

}  // namespace podctl
