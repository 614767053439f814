#include "orchestrator/container/pod_volumes.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "base/files.h"
#include "base/safe_open.h"
#include "base/unique_fd.h"
#include "orchestrator/container/atomic_writer.h"

namespace podctl {
namespace {

using manifest::Volume;

bool is_tmpfs(const std::string& dir) {
  struct statfs fs {};
  return ::statfs(dir.c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC;
}

Status mount_tmpfs(const std::string& dir, const std::string& options) {
  if (is_tmpfs(dir)) return {};
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
    return fail(sys_error("mount tmpfs on " + dir));
  return {};
}

long long fs_group_of(const manifest::Pod& pod) {
  return pod.spec.security_context.fs_group ? *pod.spec.security_context.fs_group : -1;
}

Status prepare_empty_dir(const manifest::Pod& pod, const Volume& v, const std::string& dir) {
  PODCTL_TRY(make_dirs(dir, 0777));
  if (v.empty_dir && v.empty_dir->medium == "Memory") {
    std::string options = "mode=1777";
    if (v.empty_dir->size_limit) options += ",size=" + std::to_string(v.empty_dir->size_limit->value());
    PODCTL_TRY(mount_tmpfs(dir, options));
  }
  // The kubelet's emptyDir is world-writable; with fsGroup it belongs to the group, setgid.
  long long group = fs_group_of(pod);
  if (group >= 0 && ::chown(dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(group)) != 0)
    return fail(sys_error("chown " + dir));
  if (::chmod(dir.c_str(), group >= 0 ? 02777 : 0777) != 0) return fail(sys_error("chmod " + dir));
  return {};
}

Status check_host_path(const manifest::HostPathSource& h) {
  const std::string& p = h.path;
  if (h.type == "DirectoryOrCreate" && !path_exists(p)) PODCTL_TRY(make_dirs(p, 0755));
  if (h.type == "FileOrCreate" && !path_exists(p)) {
    auto slash = p.rfind('/');
    if (slash != std::string::npos && slash > 0) PODCTL_TRY(make_dirs(p.substr(0, slash), 0755));
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) return fail(sys_error("create " + p));
  }
  struct stat st {};
  bool exists = ::stat(p.c_str(), &st) == 0;
  auto expect = [&](bool ok, const char* what) -> Status {
    if (exists && ok) return {};
    return fail(make_error("hostPath type check failed: " + p + " is not a " + what));
  };
  if (h.type == "Directory" || h.type == "DirectoryOrCreate") return expect(S_ISDIR(st.st_mode), "directory");
  if (h.type == "File" || h.type == "FileOrCreate") return expect(S_ISREG(st.st_mode), "file");
  if (h.type == "Socket") return expect(S_ISSOCK(st.st_mode), "socket file");
  if (h.type == "CharDevice") return expect(S_ISCHR(st.st_mode), "character device");
  if (h.type == "BlockDevice") return expect(S_ISBLK(st.st_mode), "block device");
  return {};
}

// The files of a configMap or secret source: every key, or the listed items.
Result<std::map<std::string, FileToWrite>> key_files(const manifest::ConfigMapVolumeSource& src,
                                                     const std::string& kind, const PodFacts& facts,
                                                     int64_t default_mode) {
  std::map<std::string, FileToWrite> files;
  auto payload = lookup_payload(facts, kind, src.name);
  if (!payload) {
    if (payload.error().code == ENOENT && src.optional.value_or(false)) return files;
    return fail(payload.error());
  }
  unsigned mode = static_cast<unsigned>(default_mode);
  if (src.items.empty()) {
    for (const auto& [k, v] : *payload) files[k] = {v, mode};
    return files;
  }
  for (const auto& item : src.items) {
    auto it = payload->find(item.key);
    if (it == payload->end()) {
      if (src.optional.value_or(false)) continue;
      return fail(make_error((kind == "configmaps" ? "configmap" : "secret") +
                             std::string(" references non-existent config key: ") + item.key));
    }
    files[item.path] = {it->second, static_cast<unsigned>(item.mode.value_or(default_mode))};
  }
  return files;
}

Result<std::string> downward_value(const manifest::Pod& pod, const manifest::DownwardApiFile& item,
                                   const PodFacts& facts) {
  if (item.field_ref) return field_ref_value(pod, facts, *item.field_ref);
  return resource_field_value(pod, nullptr, *item.resource_field_ref);
}

Result<std::map<std::string, FileToWrite>> downward_files(const manifest::Pod& pod,
                                                          const manifest::DownwardApiSource& src,
                                                          const PodFacts& facts, int64_t default_mode) {
  std::map<std::string, FileToWrite> files;
  for (const auto& item : src.items) {
    std::string value;
    PODCTL_ASSIGN_OR_RETURN(value, downward_value(pod, item, facts));
    files[item.path] = {value, static_cast<unsigned>(item.mode.value_or(default_mode))};
  }
  return files;
}

// A projected volume: its sources' files in order, a later one replacing an earlier one's path
// as the kubelet's projected collectData does.
Result<std::map<std::string, FileToWrite>> projected_files(const manifest::Pod& pod,
                                                           const manifest::ProjectedVolumeSource& p,
                                                           const PodFacts& facts) {
  std::map<std::string, FileToWrite> files;
  for (const auto& one : p.sources) {
    std::map<std::string, FileToWrite> part;
    if (one.config_map) {
      PODCTL_ASSIGN_OR_RETURN(part, key_files(*one.config_map, "configmaps", facts, p.default_mode));
    } else if (one.secret) {
      PODCTL_ASSIGN_OR_RETURN(part, key_files(*one.secret, "secrets", facts, p.default_mode));
    } else if (one.downward_api) {
      PODCTL_ASSIGN_OR_RETURN(part, downward_files(pod, *one.downward_api, facts, p.default_mode));
    }
    for (auto& [path, file] : part) files[path] = std::move(file);
  }
  return files;
}

bool is_atomic_writer_volume(const Volume& v) { return v.config_map || v.secret || v.downward_api || v.projected; }

// configMap, secret, downwardAPI, projected: the files through the atomic writer. Secrets and
// projections (which may hold secrets) live on a tmpfs, never on the node's disk.
Status write_projected(const manifest::Pod& pod, const Volume& v, const std::string& dir, const PodFacts& facts) {
  std::map<std::string, FileToWrite> files;
  if (v.secret || v.projected) {
    PODCTL_TRY(make_dirs(dir, 0755));
    PODCTL_TRY(mount_tmpfs(dir, "mode=0755"));
  }
  if (v.config_map) {
    PODCTL_ASSIGN_OR_RETURN(files, key_files(*v.config_map, "configmaps", facts, v.config_map->default_mode));
  } else if (v.secret) {
    PODCTL_ASSIGN_OR_RETURN(files, key_files(*v.secret, "secrets", facts, v.secret->default_mode));
  } else if (v.downward_api) {
    PODCTL_ASSIGN_OR_RETURN(files, downward_files(pod, *v.downward_api, facts, v.downward_api->default_mode));
  } else {
    PODCTL_ASSIGN_OR_RETURN(files, projected_files(pod, *v.projected, facts));
  }
  long long group = fs_group_of(pod);
  if (group >= 0)
    for (auto& [path, f] : files) f.mode |= 0440;  // readable by the fsGroup, as SetVolumeOwnership makes it
  if (auto written = write_volume_atomically(dir, files, group); !written) return fail(written.error());
  return {};
}

// Made ready, and where it is on the host.
Result<std::string> prepare_volume(const manifest::Pod& pod, const Volume& v, const PodPaths& paths,
                                   const PodFacts& facts) {
  std::string dir = paths.volume_dir(v.name);
  if (v.persistent_volume_claim) {
    // The claim's own directory, made as the local-path provisioner makes it (world-writable;
    // with fsGroup, the group's).
    auto claim = facts.claim_dir(v.persistent_volume_claim->claim_name);
    if (!claim && claim.error().code == ENOENT)
      return fail(make_error("persistentvolumeclaim \"" + v.persistent_volume_claim->claim_name + "\" not found"));
    if (!claim) return fail(claim.error());
    PODCTL_TRY(prepare_empty_dir(pod, v, *claim));
    return *claim;
  }
  if (v.empty_dir) PODCTL_TRY(prepare_empty_dir(pod, v, dir));
  if (v.host_path) {
    PODCTL_TRY(check_host_path(*v.host_path));
    return v.host_path->path;
  }
  if (!v.empty_dir) PODCTL_TRY(write_projected(pod, v, dir, facts));
  return dir;
}

// A subPath names a file or directory inside the volume; it may not lead out of it (a container
// can put symlinks in an emptyDir or a hostPath, and swap them at any moment). It is resolved
// beneath the volume in one openat2 step (CVE-2017-1002101), and a missing one is made a
// directory at a time through fds, as the kubelet's doSafeMakeDir does.
Result<UniqueFd> sub_path_source(int volume_fd, const std::string& sub_path) {
  auto leads_out = [&](const Error& e) {
    return fail(Error{e.code, "subPath \"" + sub_path + "\" leads outside of its volume (" + e.message + ")"});
  };
  if (auto why = check_relative_path(sub_path); !why.empty())
    return fail(make_error("subPath \"" + sub_path + "\" " + why));
  auto fd = open_within(volume_fd, sub_path, O_PATH);
  if (!fd && fd.error().code == ENOENT) {
    auto made = make_dirs_within(volume_fd, sub_path);
    if (!made) return leads_out(made.error());
    return made;
  }
  if (!fd) return leads_out(fd.error());
  return fd;
}

Result<UniqueFd> open_volume_root(const std::string& root) {
  UniqueFd fd(::open(root.c_str(), O_PATH | O_CLOEXEC));
  if (!fd) return fail(sys_error("open " + root));
  return fd;
}

}  // namespace

Result<std::vector<VolumeBind>> prepare_volumes(const manifest::Pod& pod, const manifest::Container& c,
                                                const PodPaths& paths, const PodFacts& facts) {
  std::vector<VolumeBind> binds;
  for (const auto& m : c.volume_mounts) {
    const Volume* v = nullptr;
    for (const auto& candidate : pod.spec.volumes)
      if (candidate.name == m.name) v = &candidate;
    if (!v) return fail(make_error("volume \"" + m.name + "\" not found"));
    auto prepared = prepare_volume(pod, *v, paths, facts);
    if (!prepared)
      return fail(make_error("MountVolume.SetUp failed for volume \"" + m.name + "\" : " + prepared.error().message));
    std::string root = *prepared;
    // configMap, secret, downwardAPI and projected volumes are always read-only, as the kubelet
    // mounts them: the container can never touch "..data" or the files the supervisor rewrites.
    bool projected = is_atomic_writer_volume(*v);
    bool claim_read_only = v->persistent_volume_claim && v->persistent_volume_claim->read_only;
    VolumeBind bind{UniqueFd(), root, m.mount_path, m.read_only || projected || claim_read_only};
    PODCTL_ASSIGN_OR_RETURN(bind.source, open_volume_root(root));
    if (!m.sub_path.empty()) {
      bind.shown = root + "/" + m.sub_path;
      auto sub = sub_path_source(bind.source.get(), m.sub_path);
      if (!sub)
        return fail(make_error("failed to prepare subPath for volumeMount \"" + m.name + "\" of container \"" + c.name +
                               "\": " + sub.error().message));
      bind.source = std::move(*sub);
    }
    binds.push_back(std::move(bind));
  }
  return binds;
}

void refresh_volumes(const manifest::Pod& pod, const PodPaths& paths, const PodFacts& facts) {
  for (const auto& v : pod.spec.volumes)
    if (is_atomic_writer_volume(v) && path_exists(paths.volume_dir(v.name) + "/..data"))
      (void)write_projected(pod, v, paths.volume_dir(v.name), facts);
}

}  // namespace podctl
