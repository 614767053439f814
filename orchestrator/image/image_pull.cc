#include "orchestrator/image/image_pull.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/base64.h"
#include "base/files.h"
#include "orchestrator/image/blob_store.h"
#include "orchestrator/image/image_archive.h"
#include "orchestrator/image/image_document.h"
#include "orchestrator/image/image_reference.h"
#include "orchestrator/store/json_file.h"

namespace podctl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string short_id(const std::string& digest) { return digest.substr(digest.find(':') + 1, 12); }

std::string megabytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fMB", bytes / 1e6);
  return buf;
}

bool is_index(const json& doc, const std::string& content_type) {
  std::string type = doc.value("mediaType", content_type);
  return type.find("index") != std::string::npos || type.find("manifest.list") != std::string::npos ||
         (doc.contains("manifests") && !doc.contains("layers"));
}

// The manifest for this host, with its digest checked against what was asked or listed.
Result<json> resolve_manifest(RegistryClient& client, const ImageReference& ref, std::string& manifest_digest,
                              std::string& manifest_text) {
  HttpResponse r;
  PODCTL_ASSIGN_OR_RETURN(r, client.get_manifest(ref.digest.empty() ? ref.tag : ref.digest));
  std::string digest = text_digest(r.body);
  if (!ref.digest.empty() && digest != ref.digest)
    return fail(make_error("manifest digest mismatch: asked for " + ref.digest + ", got " + digest));
  json doc;
  PODCTL_ASSIGN_OR_RETURN(doc, parse_document(r.body, "the registry's manifest"));
  if (is_index(doc, r.headers["content-type"])) {
    const json manifests = doc.value("manifests", json::array());
    for (size_t i = 0; manifests.is_array() && i < manifests.size(); ++i) {
      const json& m = manifests[i];
      const json p = m.is_object() ? m.value("platform", json::object()) : json::object();
      if (!p.is_object() || p.value("os", json()) != "linux" || p.value("architecture", json()) != host_architecture())
        continue;
      std::string wanted;
      PODCTL_ASSIGN_OR_RETURN(wanted, descriptor_digest(m, "the image index's manifests[" + std::to_string(i) + "]"));
      PODCTL_ASSIGN_OR_RETURN(r, client.get_manifest(wanted));
      if (text_digest(r.body) != wanted) return fail(make_error("manifest digest mismatch: expected " + wanted));
      PODCTL_ASSIGN_OR_RETURN(doc, parse_document(r.body, "the registry's manifest " + wanted));
      manifest_digest = wanted;
      manifest_text = r.body;
      return doc;
    }
    return fail(make_error("no image for linux/" + host_architecture() + " in " + ref.familiar()));
  }
  if (doc.value("schemaVersion", 0) != 2 || !doc.contains("config"))
    return fail(make_error("unsupported manifest (only Docker schema 2 and OCI manifests are)"));
  manifest_digest = digest;
  manifest_text = r.body;
  return doc;
}

// One line per blob; on a terminal, redrawn in place at most five times a second.
class Progress {
 public:
  Progress(std::ostream& out, bool terminal, std::vector<BlobDownload> blobs)
      : out_(out), terminal_(terminal), blobs_(std::move(blobs)), bytes_(blobs_.size(), 0), start_(Clock::now()) {
    if (terminal_) draw(true);
  }
  void update(size_t i, int64_t bytes) {
    bytes_[i] = bytes;
    if (terminal_ && Clock::now() - last_ > std::chrono::milliseconds(200)) draw(false);
  }
  void finish() {
    if (terminal_) return draw(false);
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    for (size_t i = 0; i < blobs_.size(); ++i)
      out_ << short_id(blobs_[i].digest) << ": downloaded " << megabytes(bytes_[i]) << "\n";
    char rate[64];
    int64_t total = 0;
    for (auto b : bytes_) total += b;
    std::snprintf(rate, sizeof rate, " in %.1fs (%.1fMB/s)", secs, secs > 0 ? total / 1e6 / secs : 0.0);
    if (!blobs_.empty()) out_ << "downloaded " << megabytes(total) << rate << "\n";
  }

 private:
  void draw(bool first) {
    last_ = Clock::now();
    double secs = std::max(0.001, std::chrono::duration<double>(last_ - start_).count());
    if (!first) out_ << "\033[" << blobs_.size() << "A";
    for (size_t i = 0; i < blobs_.size(); ++i) {
      char line[160];
      std::snprintf(line, sizeof line, "%s: %-12s %9s / %-9s %6.1fMB/s", short_id(blobs_[i].digest).c_str(),
                    bytes_[i] >= blobs_[i].size && blobs_[i].size > 0 ? "done" : "downloading",
                    megabytes(bytes_[i]).c_str(), megabytes(blobs_[i].size).c_str(), bytes_[i] / 1e6 / secs);
      out_ << "\r\033[K" << line << "\n";
    }
    out_ << std::flush;
  }
  std::ostream& out_;
  bool terminal_;
  std::vector<BlobDownload> blobs_;
  std::vector<int64_t> bytes_;
  Clock::time_point start_, last_;
};

}  // namespace

Result<Image> pull_image(ImageStore& store, const std::string& images_dir, const std::string& reference,
                         const RegistryOptions& options, bool terminal, std::ostream& out) {
  ImageReference ref;
  PODCTL_ASSIGN_OR_RETURN(ref, parse_image_reference(reference));
  RegistryClient client(ref, options);
  std::string manifest_digest, manifest_text;
  json manifest;
  PODCTL_ASSIGN_OR_RETURN(manifest, resolve_manifest(client, ref, manifest_digest, manifest_text));
  BlobStore blobs(images_dir);
  // What the store lacks is downloaded; a staged file only becomes a blob through its digest.
  std::vector<BlobDownload> wanted;
  std::vector<std::string> all;  // config, then layers: every digest checked before it names a file or URL
  PODCTL_ASSIGN_OR_RETURN(all, manifest_blobs(manifest));
  auto size_of = [&](size_t i) { return descriptor_size(i == 0 ? manifest["config"] : manifest["layers"][i - 1]); };
  for (size_t i = 0; i < all.size(); ++i) {
    if (blobs.has(all[i])) continue;
    wanted.push_back({all[i], blobs.staging(short_id(all[i])), size_of(i)});
  }
  out << "pulling " << ref.familiar() << " (" << manifest_digest << ")\n";
  Progress progress(out, terminal, wanted);
  auto downloaded = client.download_blobs(wanted, [&](size_t i, int64_t bytes) { progress.update(i, bytes); });
  if (downloaded) progress.finish();
  // Each download was checked against its digest as it finished: it only has to move in.
  for (const auto& w : wanted) {
    if (downloaded) downloaded = blobs.adopt(w.file, w.digest);
    (void)::unlink(w.file.c_str());  // adopted (linked into the store) or failed: the download is not needed
  }
  if (!downloaded) return fail(downloaded.error());
  // The config, then every layer unpacked once (checked against the config's diff_ids).
  StoredImage image;
  image.id = all[0];
  std::string config_file;
  PODCTL_ASSIGN_OR_RETURN(config_file, blobs.path(image.id));
  json config;
  PODCTL_ASSIGN_OR_RETURN(config, read_json_file(config_file));
  PODCTL_ASSIGN_OR_RETURN(image.config, config_settings(config));
  std::vector<std::string> diff_ids;
  PODCTL_ASSIGN_OR_RETURN(diff_ids, config_diff_ids(config));
  if (diff_ids.size() + 1 != all.size())
    return fail(make_error("the image config lists " + std::to_string(diff_ids.size()) + " layers, the manifest " +
                           std::to_string(all.size() - 1)));
  std::string manifest_blob;
  PODCTL_ASSIGN_OR_RETURN(manifest_blob, blobs.put_text(manifest_text));
  image.blobs = {manifest_blob, image.id};
  for (size_t i = 1; i < all.size(); ++i) {
    std::string blob, hex;
    PODCTL_ASSIGN_OR_RETURN(blob, blobs.path(all[i]));
    PODCTL_ASSIGN_OR_RETURN(hex, store.ensure_layer(blob, diff_ids[i - 1]));
    image.layers.push_back(hex);
    image.blobs.push_back(all[i]);
    image.size += size_of(i);
  }
  return store.add(ref.full(), image);
}

Status registry_login(const std::string& registry, const std::string& user, const std::string& password,
                      const RegistryOptions& options) {
  std::string path = options.config_path();
  json config = json::object();
  if (auto text = read_file(path)) {
    config = json::parse(*text, nullptr, false);
    if (!config.is_object()) return fail(make_error(path + " is not JSON"));
  }
  json previous = config;
  config["auths"][registry] = {{"auth", base64_encode(user + ":" + password)}};
  PODCTL_TRY(make_dirs(path.substr(0, path.rfind('/')), 0700));
  PODCTL_TRY(write_file_atomic(path, config.dump(2) + "\n", 0600));
  // Checked by asking for the registry's catalog root with them; a refusal undoes the change.
  ImageReference ref{registry, "library/podctl-login-check", "latest", ""};
  RegistryClient client(ref, options);
  auto check = client.check_login();
  if (!check) {
    (void)write_file_atomic(path, previous.dump(2) + "\n", 0600);  // restoring: the login's failure is reported
    return fail(check.error());
  }
  return {};
}

}  // namespace podctl
