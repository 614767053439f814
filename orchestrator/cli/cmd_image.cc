// podctl image import|ls|rm: the local image store.
#include <iomanip>
#include <iostream>

#include "base/file_lock.h"
#include "base/files.h"
#include "orchestrator/cli/cli_support.h"
#include "orchestrator/cli/verbs.h"
#include "orchestrator/runtime/image_reference.h"
#include "orchestrator/runtime/image_store.h"

namespace podctl {
namespace {

std::string human_size(int64_t bytes) {
  char buf[32];
  if (bytes >= 1'000'000) std::snprintf(buf, sizeof buf, "%.1fMB", bytes / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1fkB", bytes / 1e3);
  return buf;
}

// The pods that use an image, so that it is not removed under them.
std::vector<std::string> pods_using(const RootPaths& root, const Image& image) {
  std::vector<std::string> users;
  auto pods = list_pod_records(root, "");
  if (!pods) return users;
  for (const auto& p : *pods)
    for (const auto& c : p.spec["spec"]["containers"]) {
      auto ref = parse_image_reference(c["image"].get<std::string>());
      if (ref && ref->full() == image.reference) users.push_back(p.ns + "/" + p.name);
    }
  return users;
}

}  // namespace

int cmd_image(const Invocation& inv) {
  if (inv.args.empty()) return report_error("usage: podctl image import|ls|rm|pull …", kExitUsage);
  const std::string& sub = inv.args[0];
  RootPaths root{inv.global.root};
  ImageStore store(root.images_dir());
  if (sub == "ls" || sub == "list") {
    auto images = store.list();
    if (!images) return report_error(images.error().message);
    std::cout << std::left << std::setw(40) << "IMAGE" << std::setw(16) << "ID" << std::setw(24) << "CREATED" << "SIZE\n";
    for (const auto& i : *images) {
      auto ref = parse_image_reference(i.reference);
      std::cout << std::setw(40) << (ref ? ref->familiar() : i.reference) << std::setw(16) << i.id.substr(7, 12)
                << std::setw(24) << i.created << human_size(i.size) << "\n";
    }
    return kExitOk;
  }
  if (sub == "pull")
    return report_error("pulling from registries is not supported by podctl yet: import a root filesystem with "
                        "podctl image import NAME[:TAG] ROOTFS.tar|DIR");
  if (sub != "import" && sub != "rm")
    return report_error("unknown image command \"" + sub + "\" (import, ls, rm)", kExitUsage);
  if ((sub == "import" && inv.args.size() != 3) || (sub == "rm" && inv.args.size() < 2))
    return report_error(sub == "import" ? "usage: podctl image import NAME[:TAG] ROOTFS.tar|DIR"
                                        : "usage: podctl image rm NAME[:TAG]…", kExitUsage);
  if (auto st = make_dirs(root.root, 0711); !st) return report_error(st.error().message);
  auto lock = FileLock::acquire(root.lock());
  if (!lock) return report_error(lock.error().message);
  if (sub == "import") {
    auto image = store.import_rootfs(inv.args[1], inv.args[2]);
    if (!image) return report_error(image.error().message);
    std::cout << image->id << "\n";
    return kExitOk;
  }
  int rc = kExitOk;
  for (size_t i = 1; i < inv.args.size(); ++i) {
    auto image = store.find(inv.args[i]);
    if (!image) {
      rc = report_error(image.error().message);
      continue;
    }
    if (auto users = pods_using(root, *image); !users.empty()) {
      std::string list;
      for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
      rc = report_error("image \"" + inv.args[i] + "\" is used by pod " + list + ": delete the pod first");
      continue;
    }
    if (auto st = store.remove(inv.args[i]); !st) rc = report_error(st.error().message);
    else std::cout << "Untagged: " << inv.args[i] << "\n";
  }
  return rc;
}

void image_options(po::options_description&) {}

}  // namespace podctl
