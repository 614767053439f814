// podctl image import|ls|inspect|tag|rm|prune: the local image store.
#include <iomanip>
#include <iostream>
#include <set>

#include "base/file_lock.h"
#include "base/files.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/image/image_archive.h"
#include "orchestrator/image/image_pull.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/image/image_store.h"
#include "orchestrator/image/image_suggestion.h"
#include "orchestrator/store/json_file.h"

namespace podctl {
namespace {

std::string human_size(int64_t bytes) {
  char buf[32];
  if (bytes >= 1'000'000)
    std::snprintf(buf, sizeof buf, "%.1fMB", bytes / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1fkB", bytes / 1e3);
  return buf;
}

// The pods that use an image, so that it is not removed under them.
std::vector<std::string> pods_using(const RootPaths& root, const Image& image) {
  std::vector<std::string> users;
  auto pods = list_pod_records(root, "");
  if (!pods) return users;
  for (const auto& p : *pods)
    for (const char* list : {"initContainers", "containers"})
      for (const auto& c : p.spec["spec"].value(list, nlohmann::json::array())) {
        auto ref = parse_image_reference(c["image"].get<std::string>());
        if (ref && ref->full() == image.reference) {
          users.push_back(p.ns + "/" + p.name);
          break;
        }
      }
  return users;
}

}  // namespace

namespace {

int image_ls(ImageStore& store) {
  auto images = store.list();
  if (!images) return report_error(images.error().message);
  std::cout << std::left << std::setw(40) << "IMAGE" << std::setw(16) << "ID" << std::setw(24) << "CREATED"
            << "SIZE\n";
  for (const auto& i : *images) {
    auto ref = parse_image_reference(i.reference);
    std::cout << std::setw(40) << (ref ? ref->familiar() : i.reference) << std::setw(16) << i.id.substr(7, 12)
              << std::setw(24) << i.created << human_size(i.size) << "\n";
  }
  return kExitOk;
}

int image_inspect(ImageStore& store, const std::vector<std::string>& refs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : refs) {
    auto image = store.find(r);
    if (!image) return report_error(image.error().message);
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : image->layers) layers.push_back("sha256:" + l.substr(l.rfind('/') + 1));
    out.push_back({{"RepoTags", {image->reference}},
                   {"Id", image->id},
                   {"Created", image->created},
                   {"Size", image->size},
                   {"Config", image->config},
                   {"RootFS", {{"Type", "layers"}, {"Layers", layers}}}});
  }
  std::cout << json_text(out, 4) << "\n";
  return kExitOk;
}

// import NAME ROOTFS (docker import), import [NAME] ARCHIVE (docker load / skopeo oci layouts).
int image_import(ImageStore& store, const RootPaths& root, const std::vector<std::string>& args) {
  std::string source = args.back();
  std::string name = args.size() == 3 ? args[1] : "";
  if (is_image_archive(source)) {
    auto images = import_image_archive(store, root.images_dir(), source, name);
    if (!images) return report_error(images.error().message);
    for (const auto& i : *images) std::cout << "Loaded image: " << i.reference << " (" << i.id << ")\n";
    return kExitOk;
  }
  if (name.empty())
    return report_error(source +
                            " is not an image archive (OCI layout or docker save): to import a root "
                            "file system, name it: podctl image import NAME[:TAG] " +
                            source,
                        kExitUsage);
  auto image = store.import_rootfs(name, source);
  if (!image) return report_error(image.error().message);
  std::cout << image->id << "\n";
  return kExitOk;
}

int image_rm(ImageStore& store, const RootPaths& root, const std::vector<std::string>& refs) {
  int rc = kExitOk;
  for (const auto& r : refs) {
    auto image = store.lookup(r);
    if (!image) {
      rc = report_error(image.error().message);
      continue;
    }
    if (auto users = pods_using(root, *image); !users.empty()) {
      std::string list;
      for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
      rc = report_error("image \"" + r + "\" is used by pod " + list + ": delete the pod first");
      continue;
    }
    if (auto st = store.remove(r); !st)
      rc = report_error(st.error().message);
    else
      std::cout << "Untagged: " << r << "\n";
  }
  return rc;
}

RegistryOptions registry_options(const Invocation& inv) {
  RegistryOptions o = RegistryOptions::from_environment();
  if (inv.has("insecure-registry"))
    for (const auto& r : inv.get<std::vector<std::string>>("insecure-registry")) o.insecure.insert(r);
  return o;
}

// The stored image whose name is closest to a reference that could not be pulled, if any.
std::optional<std::string> local_image_like(const ImageStore& store, const std::string& wanted) {
  auto images = store.list();
  auto ref = parse_image_reference(wanted);
  if (!images || !ref) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& image : *images)
    if (auto stored = parse_image_reference(image.reference)) names.push_back(stored->familiar());
  return closest_image(names, ref->familiar());
}

int image_pull(const Invocation& inv, ImageStore& store, const RootPaths& root, const std::vector<std::string>& refs) {
  if (refs.size() != 1) return report_error("usage: podctl image pull NAME[:TAG|@DIGEST]", kExitUsage);
  if (auto st = make_dirs(root.images_dir(), 0700); !st) return report_error(st.error().message);
  // No root lock while downloading: blobs and layers land by rename, and naming the image is one
  // atomic index write, so pulls and other commands may run at once.
  auto image = pull_image(store, root.images_dir(), refs[0], registry_options(inv), ::isatty(1), std::cout);
  if (!image) {
    // On one line: the supervisor shows the last line of a failed pull as the container's reason.
    std::string message = image.error().message;
    if (auto suggestion = local_image_like(store, refs[0]))
      message += " (did you mean the local image \"" + *suggestion + "\"? podctl image ls lists them)";
    return report_error(message);
  }
  std::cout << "pulled " << image->reference << " (" << image->id << ")\n";
  return kExitOk;
}

int image_login(const Invocation& inv, const std::vector<std::string>& args) {
  if (args.size() != 1 || !inv.has("username"))
    return report_error("usage: podctl image login HOST[:PORT] -u USER (-p PASSWORD | --password-stdin)", kExitUsage);
  std::string password;
  if (inv.vm["password-stdin"].as<bool>())
    std::getline(std::cin, password);
  else if (inv.has("password"))
    password = inv.get<std::string>("password");
  else
    return report_error("login needs -p PASSWORD or --password-stdin", kExitUsage);
  if (auto st = registry_login(args[0], inv.get<std::string>("username"), password, registry_options(inv)); !st)
    return report_error(st.error().message);
  std::cout << "Login Succeeded\n";
  return kExitOk;
}

}  // namespace

int cmd_image(const Invocation& inv) {
  if (inv.args.empty()) return report_error("usage: podctl image import|ls|inspect|tag|rm|prune|pull …", kExitUsage);
  const std::string& sub = inv.args[0];
  std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
  RootPaths root{inv.global.root};
  ImageStore store(root.images_dir());
  if (sub == "ls" || sub == "list") return image_ls(store);
  if (sub == "inspect") {
    if (rest.empty()) return report_error("usage: podctl image inspect NAME[:TAG]…", kExitUsage);
    return image_inspect(store, rest);
  }
  if (sub == "pull") return image_pull(inv, store, root, rest);
  if (sub == "login") return image_login(inv, rest);
  static const std::set<std::string> kChanging = {"import", "tag", "rm", "prune"};
  if (!kChanging.count(sub))
    return report_error("unknown image command \"" + sub + "\" (import, ls, inspect, tag, rm, prune, pull, login)",
                        kExitUsage);
  if ((sub == "import" && rest.size() != 1 && rest.size() != 2) || (sub == "tag" && rest.size() != 2) ||
      (sub == "rm" && rest.empty()))
    return report_error(sub == "import" ? "usage: podctl image import [NAME[:TAG]] ARCHIVE | NAME[:TAG] ROOTFS.tar|DIR"
                        : sub == "tag"  ? "usage: podctl image tag SOURCE[:TAG] TARGET[:TAG]"
                                        : "usage: podctl image rm NAME[:TAG]…",
                        kExitUsage);
  if (auto st = make_dirs(root.root, 0700); !st) return report_error(st.error().message);
  auto lock = FileLock::acquire(root.lock());
  if (!lock) return report_error(lock.error().message);
  if (sub == "import") return image_import(store, root, inv.args);
  if (sub == "tag") {
    if (auto st = store.tag(rest[0], rest[1]); !st) return report_error(st.error().message);
    return kExitOk;
  }
  if (sub == "prune") {
    auto freed = store.prune_unreferenced();
    if (!freed) return report_error(freed.error().message);
    std::cout << "Total reclaimed space: " << human_size(*freed) << "\n";
    return kExitOk;
  }
  return image_rm(store, root, rest);
}

void image_options(po::options_description& d) {
  d.add_options()("insecure-registry", po::value<std::vector<std::string>>(),
                  "HOST:PORT to reach over plain HTTP (also env PODCTL_INSECURE_REGISTRIES); repeatable")(
      "username,u", po::value<std::string>(), "login: user name")("password,p", po::value<std::string>(),
                                                                  "login: password")(
      "password-stdin", po::bool_switch()->default_value(false), "login: read the password from stdin");
}

}  // namespace podctl
