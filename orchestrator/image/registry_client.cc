#include "orchestrator/image/registry_client.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/base64.h"
#include "base/files.h"
#include "orchestrator/image/blob_store.h"

namespace podctl {
namespace {

using nlohmann::json;

constexpr const char* kAcceptManifests =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr int kAttempts = 4;

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Curl = std::unique_ptr<CURL, CurlFree>;
using Slist = std::unique_ptr<curl_slist, SlistFree>;

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t collect_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

Slist header_list(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  return Slist(list);
}

// key="value" pairs of a WWW-Authenticate challenge.
std::map<std::string, std::string> challenge_params(const std::string& header) {
  std::map<std::string, std::string> out;
  auto space = header.find(' ');
  std::string rest = space == std::string::npos ? "" : header.substr(space + 1);
  size_t at = 0;
  while (at < rest.size()) {
    auto eq = rest.find('=', at);
    if (eq == std::string::npos) break;
    std::string key = rest.substr(at, eq - at);
    while (!key.empty() && (key.front() == ' ' || key.front() == ',')) key.erase(0, 1);
    std::string value;
    size_t next;
    if (eq + 1 < rest.size() && rest[eq + 1] == '"') {
      auto close = rest.find('"', eq + 2);
      value = rest.substr(eq + 2, close - eq - 2);
      next = close == std::string::npos ? rest.size() : close + 1;
    } else {
      auto comma = rest.find(',', eq + 1);
      value = rest.substr(eq + 1, comma == std::string::npos ? std::string::npos : comma - eq - 1);
      next = comma == std::string::npos ? rest.size() : comma;
    }
    out[key] = value;
    at = next + 1;
  }
  return out;
}

std::string url_escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : s;
  curl_free(e);
  return out;
}

std::string curl_failure(CURLcode code, const char* errbuf) {
  return errbuf && *errbuf ? errbuf : curl_easy_strerror(code);
}

// One blob transfer of a multi download: its file, its attempt, how far it got.
struct Transfer {
  size_t index = 0;
  Curl curl;
  Slist headers;
  FILE* file = nullptr;
  int64_t offset = 0;  // bytes already in the file when this attempt started
  int64_t received = 0;
  char errbuf[CURL_ERROR_SIZE] = {};
  const std::function<void(size_t, int64_t)>* progress = nullptr;
};

size_t write_blob(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<Transfer*>(self);
  size_t wrote = std::fwrite(data, 1, size * n, t->file);
  t->received += static_cast<int64_t>(wrote);
  if (*t->progress) (*t->progress)(t->index, t->offset + t->received);
  return wrote;
}

}  // namespace

RegistryOptions RegistryOptions::from_environment() {
  RegistryOptions o;
  if (const char* list = std::getenv("PODCTL_INSECURE_REGISTRIES")) {
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
      if (!item.empty()) o.insecure.insert(item);
  }
  if (const char* certs = std::getenv("PODCTL_CERTS_DIR"); certs && *certs) o.certs_dir = certs;
  return o;
}

std::string RegistryOptions::config_path() const {
  if (!docker_config.empty()) return docker_config;
  const char* dir = std::getenv("DOCKER_CONFIG");
  const char* home = std::getenv("HOME");
  return dir ? std::string(dir) + "/config.json" : std::string(home ? home : "/root") + "/.docker/config.json";
}

RegistryClient::RegistryClient(const ImageReference& ref, RegistryOptions options)
    : options_(std::move(options)), host_(ref.domain), repo_(ref.path) {
  std::string endpoint = host_ == "docker.io" ? "registry-1.docker.io" : host_;
  base_ = (options_.insecure.count(host_) ? "http://" : "https://") + endpoint + "/v2/" + repo_;
  // Credentials as docker keeps them: auths[HOST].auth = base64("user:password").
  if (auto text = read_file(options_.config_path())) {
    json j = json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("auths"))
      for (const std::string& key : {host_, "https://" + host_, std::string("https://index.docker.io/v1/")}) {
        if (key == "https://index.docker.io/v1/" && host_ != "docker.io") continue;
        if (!j["auths"].contains(key)) continue;
        auto decoded = base64_decode(j["auths"][key].value("auth", ""));
        auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos) continue;
        user_ = decoded->substr(0, colon);
        password_ = decoded->substr(colon + 1);
        break;
      }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::apply_tls(CURL* curl) const {
  std::string ca = options_.certs_dir + "/" + host_ + "/ca.crt";
  if (path_exists(ca)) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
}

std::vector<std::string> RegistryClient::auth_headers() const {
  if (authorization_.empty()) return {};
  return {"Authorization: " + authorization_};
}

Result<HttpResponse> RegistryClient::get(const std::string& url, const std::vector<std::string>& extra) {
  for (int round = 0; round < 2; ++round) {
    Curl curl(curl_easy_init());
    HttpResponse r;
    std::vector<std::string> headers = extra;
    for (const auto& h : auth_headers()) headers.push_back(h);
    Slist list = header_list(headers);
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "podctl/0.1");
    apply_tls(curl.get());
    CURLcode code = curl_easy_perform(curl.get());
    if (code != CURLE_OK) return fail(make_error(url + ": " + curl_failure(code, errbuf)));
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    if (r.status == 401 && round == 0 && r.headers.count("www-authenticate")) {
      PODCTL_TRY(authenticate(r.headers["www-authenticate"]));
      continue;
    }
    return r;
  }
  return fail(make_error(url + ": authentication failed"));
}

// Bearer: a token from the realm (with our credentials when we have them); Basic: the credentials.
Status RegistryClient::authenticate(const std::string& challenge) {
  std::string scheme = challenge.substr(0, challenge.find(' '));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string basic = user_.empty() ? "" : "Basic " + base64_encode(user_ + ":" + password_);
  if (scheme == "basic") {
    if (basic.empty())
      return fail(make_error("authentication required by " + host_ + " (podctl image login " + host_ + ")"));
    authorization_ = basic;
    return {};
  }
  auto p = challenge_params(challenge);
  if (scheme != "bearer" || !p.count("realm"))
    return fail(make_error("unsupported authentication challenge: " + challenge));
  std::string url = p["realm"] + "?service=" + url_escape(p["service"]) +
                    "&scope=" + url_escape(p.count("scope") ? p["scope"] : "repository:" + repo_ + ":pull");
  Curl curl(curl_easy_init());
  std::string body;
  char errbuf[CURL_ERROR_SIZE] = {};
  Slist list =
      header_list(basic.empty() ? std::vector<std::string>{} : std::vector<std::string>{"Authorization: " + basic});
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  apply_tls(curl.get());
  CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) return fail(make_error("token from " + p["realm"] + ": " + curl_failure(code, errbuf)));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status == 401 || status == 403)
    return fail(make_error("authentication refused by " + host_ + " (wrong credentials?)"));
  json token = json::parse(body, nullptr, false);
  std::string t = token.is_object() ? token.value("token", token.value("access_token", "")) : "";
  if (status != 200 || t.empty())
    return fail(make_error("no token from " + p["realm"] + " (HTTP " + std::to_string(status) + ")"));
  authorization_ = "Bearer " + t;
  return {};
}

Status RegistryClient::check_login() {
  std::string root = base_.substr(0, base_.find("/v2/") + 4);
  HttpResponse r;
  PODCTL_ASSIGN_OR_RETURN(r, get(root, {}));
  if (r.status == 401 || r.status == 403)
    return fail(make_error("login to " + host_ + " refused: wrong user name or password"));
  if (r.status != 200) return fail(make_error("login to " + host_ + ": HTTP " + std::to_string(r.status)));
  return {};
}

Result<HttpResponse> RegistryClient::get_manifest(const std::string& reference) {
  HttpResponse r;
  PODCTL_ASSIGN_OR_RETURN(r, get(base_ + "/manifests/" + reference, {kAcceptManifests}));
  if (r.status == 401) return fail(make_error("authentication refused by " + host_ + " for " + repo_));
  if (r.status == 404)
    return fail(Error{ENOENT, "manifest unknown: " + host_ + "/" + repo_ + ":" + reference + " does not exist"});
  if (r.status != 200)
    return fail(make_error("manifest of " + repo_ + ":" + reference + ": HTTP " + std::to_string(r.status)));
  return r;
}

Status RegistryClient::download_blobs(const std::vector<BlobDownload>& blobs,
                                      const std::function<void(size_t, int64_t)>& progress, int parallel) {
  CURLM* multi = curl_multi_init();
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> guard(multi, curl_multi_cleanup);
  std::vector<std::unique_ptr<Transfer>> active;
  size_t next = 0, done = 0;
  std::vector<int> attempts(blobs.size(), 0);
  std::vector<char> fresh(blobs.size(), 1);  // start from an empty file (else resume after what is there)
  std::vector<size_t> retry;
  auto start = [&](size_t i) -> Status {
    auto t = std::make_unique<Transfer>();
    t->index = i;
    ++attempts[i];
    t->progress = &progress;
    // Resume: whatever an earlier attempt wrote stays, and the rest is asked for with Range.
    t->file = std::fopen(blobs[i].file.c_str(), fresh[i] ? "wb" : "ab");
    fresh[i] = 0;
    if (!t->file) return fail(sys_error("open " + blobs[i].file));
    t->offset = std::ftell(t->file);
    std::vector<std::string> headers = auth_headers();
    if (t->offset > 0) headers.push_back("Range: bytes=" + std::to_string(t->offset) + "-");
    t->headers = header_list(headers);
    t->curl.reset(curl_easy_init());
    std::string url = base_ + "/blobs/" + blobs[i].digest;
    curl_easy_setopt(t->curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(t->curl.get(), CURLOPT_HTTPHEADER, t->headers.get());
    curl_easy_setopt(t->curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t->curl.get(), CURLOPT_WRITEFUNCTION, write_blob);
    curl_easy_setopt(t->curl.get(), CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(t->curl.get(), CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(t->curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(t->curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled transfer fails after a minute
    curl_easy_setopt(t->curl.get(), CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(t->curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(t->curl.get(), CURLOPT_PRIVATE, t.get());
    apply_tls(t->curl.get());
    curl_multi_add_handle(multi, t->curl.get());
    active.push_back(std::move(t));
    return {};
  };
  Status failure;
  while (done < blobs.size() && failure) {
    while (active.size() < static_cast<size_t>(parallel) && (!retry.empty() || next < blobs.size())) {
      size_t i = retry.empty() ? next++ : retry.back();
      if (!retry.empty()) retry.pop_back();
      if (auto st = start(i); !st) failure = st;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    curl_multi_poll(multi, nullptr, 0, 200, nullptr);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      CURLcode code = msg->data.result;
      long status = 0;
      curl_easy_getinfo(t->curl.get(), CURLINFO_RESPONSE_CODE, &status);
      std::fclose(t->file);
      t->file = nullptr;
      const BlobDownload& b = blobs[t->index];
      // A 200 to a Range request sent the whole blob again after what we had: start over.
      bool appended_whole = t->offset > 0 && status == 200;
      bool permanent = status == 401 || status == 403 || status == 404;
      bool more_tries = attempts[t->index] < kAttempts;
      if (code == CURLE_OK && !appended_whole) {
        auto digest = file_digest(b.file);
        if (digest && *digest == b.digest) {
          ++done;
        } else if (more_tries) {
          fresh[t->index] = 1;
          retry.push_back(t->index);
        } else {
          failure = fail(make_error("blob " + b.digest + ": digest mismatch (got " + digest.value_or("nothing") + ")"));
        }
      } else if (!permanent && more_tries) {
        fresh[t->index] = appended_whole;
        retry.push_back(t->index);
      } else {
        failure = fail(make_error("blob " + b.digest + ": " +
                                  (status >= 400 ? "HTTP " + std::to_string(status) : curl_failure(code, t->errbuf))));
      }
      curl_multi_remove_handle(multi, t->curl.get());
      for (auto it = active.begin(); it != active.end(); ++it)
        if (it->get() == t) {
          active.erase(it);
          break;
        }
    }
  }
  for (auto& t : active) {
    curl_multi_remove_handle(multi, t->curl.get());
    if (t->file) std::fclose(t->file);
  }
  return failure;
}

}  // namespace podctl
