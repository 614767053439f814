// podctl - an OCI distribution API client over libcurl: manifests and blobs of one repository,
// with the registries' auth flows (anonymous or credentialed bearer tokens as Docker Hub issues
// them, and basic auth), credentials from docker's config.json, per-registry CA files
// (/etc/podctl/certs.d/HOST:PORT/ca.crt, like docker's certs.d) and plain HTTP only for
// registries named insecure.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "orchestrator/image/image_reference.h"

namespace podctl {

struct RegistryOptions {
  std::set<std::string> insecure;                 // "127.0.0.1:5000": plain HTTP
  std::string certs_dir = "/etc/podctl/certs.d";  // HOST:PORT/ca.crt
  std::string docker_config;                      // config.json with auths; "" = $DOCKER_CONFIG or ~/.docker
  // PODCTL_INSECURE_REGISTRIES (comma-separated), PODCTL_CERTS_DIR, DOCKER_CONFIG.
  static RegistryOptions from_environment();
  // config.json: docker_config, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
  std::string config_path() const;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// A blob to fetch into a file, checked against its digest.
struct BlobDownload {
  std::string digest;
  std::string file;
  int64_t size = 0;  // as the manifest says, for progress
};

class RegistryClient {
 public:
  RegistryClient(const ImageReference& ref, RegistryOptions options);
  ~RegistryClient();

  // GET /v2/<repo>/manifests/<reference>, accepting OCI and Docker manifests and indexes.
  Result<HttpResponse> get_manifest(const std::string& reference);
  // Several blobs at once (libcurl multi); a broken download is retried, resuming where the
  // registry allows (Range). progress(i, bytes_so_far) is called as data arrives.
  Status download_blobs(const std::vector<BlobDownload>& blobs, const std::function<void(size_t, int64_t)>& progress,
                        int parallel = 3);

  std::string registry() const { return host_; }
  // GET /v2/ with the credentials: whether the registry accepts them.
  Status check_login();

 private:
  Result<HttpResponse> get(const std::string& url, const std::vector<std::string>& headers);
  Status authenticate(const std::string& challenge);
  void apply_tls(CURL* curl) const;
  std::vector<std::string> auth_headers() const;

  RegistryOptions options_;
  std::string host_;  // registry host[:port] as written (docker.io → registry-1.docker.io)
  std::string base_;  // https://registry-1.docker.io/v2/library/busybox
  std::string repo_;
  std::string user_, password_;  // from docker config, if any
  std::string authorization_;    // "Bearer …" or "Basic …" once known
};

}  // namespace podctl
