// Pulls from registries of the test's own, on loopback only: Debian's docker-registry over plain
// HTTP, over TLS with a CA the test makes, with htpasswd basic auth, behind a bearer-token front
// that answers as Docker Hub does, and behind a front that drops connections. The image is made
// with umoci from busybox (two layers, the second with a whiteout) and pushed with skopeo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/podctl_env.h"

namespace podctl::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string must(const std::string& cmd) {
  RunResult r = sh(cmd);
  EXPECT_EQ(r.rc, 0) << cmd << "\n" << r.out << r.err;
  return r.out;
}

class Registry : public PodctlTest {
 protected:
  void SetUp() override {
    PodctlTest::SetUp();
    work_ = env_->root() + "-registry";
    fs::create_directories(work_);
    port_ = env_->host_port(0);
    build_image();
  }
  void TearDown() override {
    for (pid_t p : servers_)
      sh("kill " + std::to_string(p) + " 2>/dev/null; wait " + std::to_string(p) + " 2>/dev/null");
    PodctlTest::TearDown();
    fs::remove_all(work_);
  }

  // app:v1 = busybox, then a layer that deletes /bin/vi (a whiteout) and adds /srv/hello.txt;
  // Entrypoint, Env, WorkingDir and User in its config.
  void build_image() {
    std::string busybox = "/tmp/podctl-test-busybox-" + std::to_string(::getpid());
    std::string layout = work_ + "/layout", bundle = work_ + "/bundle";
    must("umoci init --layout " + layout + " && umoci new --image " + layout + ":v1");
    must("umoci unpack --image " + layout + ":v1 " + bundle + " >/dev/null && cp -a " + busybox + "/. " + bundle +
         "/rootfs/ && umoci repack --image " + layout + ":v1 " + bundle);
    must("rm -rf " + bundle + " && umoci unpack --image " + layout + ":v1 " + bundle + " >/dev/null && rm " + bundle +
         "/rootfs/bin/vi && mkdir -p " + bundle + "/rootfs/srv && echo hello > " + bundle +
         "/rootfs/srv/hello.txt && " + "echo 'app:x:1000:1000::/srv:/bin/sh' >> " + bundle +
         "/rootfs/etc/passwd && umoci repack --image " + layout + ":v1 " + bundle + " && rm -rf " + bundle);
    must("umoci config --image " + layout +
         ":v1 --config.entrypoint sh --config.entrypoint -c --config.cmd "
         "'echo $GREETING from $(pwd) as $(id -u); ls /bin/vi 2>&1; cat /srv/hello.txt; "
         "trap \"echo stopped by INT; exit 0\" INT; sleep 600 & wait' "
         "--config.env GREETING=hi --config.workingdir /srv --config.user app --config.stopsignal SIGINT");
    layout_ = layout;
  }

  std::string registry_config(const std::string& name, int port, const std::string& extra) {
    std::string path = work_ + "/" + name + ".yml";
    std::ofstream(path)
        << "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n"
           "    rootdirectory: "
        << work_ << "/" << name << "-data\nhttp:\n  addr: 127.0.0.1:" << port << "\n"
        << extra;
    return path;
  }
  void start(const std::string& cmd, int port) {
    servers_.push_back(
        std::stoi(must(cmd + " > " + work_ + "/server-" + std::to_string(port) + ".log 2>&1 & echo $!")));
    EXPECT_TRUE(env_->eventually([&] { return !sh("ss -Hltn sport = :" + std::to_string(port)).out.empty(); }));
  }
  void start_registry(const std::string& name, int port, const std::string& extra = "") {
    start("docker-registry serve " + registry_config(name, port, extra), port);
  }
  void push(const std::string& dest, const std::string& flags = "--dest-tls-verify=false") {
    must("skopeo copy --quiet " + flags + " oci:" + layout_ + ":v1 docker://" + dest);
  }
  RunResult pull(const std::string& ref, const std::vector<std::string>& env = {}) {
    std::string vars;
    for (const auto& e : env) vars += e + " ";
    return sh(vars + PODCTL_BINARY + " --root " + env_->root() + " image pull " + ref);
  }

  std::string server_log(int port) const {
    std::ifstream in(work_ + "/server-" + std::to_string(port) + ".log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::string work_, layout_;
  int port_ = 0;
  std::vector<pid_t> servers_;
};

TEST_F(Registry, PullsAMultiLayerImageAndRunsItWithItsConfigAndWhiteout) {
  start_registry("plain", port_);
  std::string ref = "127.0.0.1:" + std::to_string(port_) + "/test/app:v1";
  push(ref);
  RunResult r = pull(ref, {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)});
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pulled " + ref), std::string::npos) << r.out;
  json inspect = json::parse(env_->podctl({"image", "inspect", ref}).out);
  EXPECT_EQ(inspect[0]["RootFS"]["Layers"].size(), 2u);
  EXPECT_EQ(inspect[0]["Config"]["WorkingDir"], "/srv");
  ASSERT_EQ(
      env_->apply(pod_yaml("app", "  - name: app\n    image: " + ref + "\n", "  terminationGracePeriodSeconds: 5\n"))
          .rc,
      0);
  EXPECT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "app"}).out.find("hello") != std::string::npos; }));
  EXPECT_EQ(env_->podctl({"logs", "app"}).out, "hi from /srv as 1000\nls: /bin/vi: No such file or directory\nhello\n");
  // The image's StopSignal is what a delete sends.
  RunResult follow;
  std::thread logs([&] { follow = env_->podctl({"logs", "app", "-f"}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(env_->podctl({"delete", "pod", "app"}).rc, 0);
  logs.join();
  EXPECT_NE(follow.out.find("stopped by INT"), std::string::npos) << follow.out;
  // A second pull finds every blob stored: nothing is downloaded again.
  RunResult again = pull(ref, {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(again.rc, 0);
  EXPECT_EQ(again.out.find("downloaded"), std::string::npos) << again.out;
  // zstd layers, as pushed by newer tools.
  std::string zstd = "127.0.0.1:" + std::to_string(port_) + "/test/app:zstd";
  push(zstd, "--dest-tls-verify=false --dest-compress-format zstd --format oci");
  RunResult z = pull(zstd, {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(z.rc, 0) << z.out << z.err;
  EXPECT_EQ(json::parse(env_->podctl({"image", "inspect", zstd}).out)[0]["RootFS"], inspect[0]["RootFS"]);
}

TEST_F(Registry, TlsWithAPerRegistryCaAndBasicAuthWithLogin) {
  std::string certs = work_ + "/certs.d/127.0.0.1:" + std::to_string(port_);
  fs::create_directories(certs);
  must(
      "cd " + work_ +
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=podctl-test-ca -keyout ca.key "
      "-out ca.crt 2>/dev/null && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout tls.key -out tls.csr "
      "2>/dev/null && printf 'subjectAltName=IP:127.0.0.1' > san.ext && openssl x509 -req -in tls.csr -CA ca.crt "
      "-CAkey "
      "ca.key -CAcreateserial -days 1 -extfile san.ext -out tls.crt 2>/dev/null && cp ca.crt " +
      certs + "/ca.crt");
  must(
      "python3 -W ignore -c \"import crypt; print('tester:' + crypt.crypt('secret', "
      "crypt.mksalt(crypt.METHOD_BLOWFISH)))\" > " +
      work_ + "/htpasswd");
  start_registry("tls", port_,
                 "  tls:\n    certificate: " + work_ + "/tls.crt\n    key: " + work_ +
                     "/tls.key\nauth:\n"
                     "  htpasswd:\n    realm: podctl-test\n    path: " +
                     work_ + "/htpasswd\n");
  std::string ref = "127.0.0.1:" + std::to_string(port_) + "/test/app:v1";
  push(ref, "--dest-cert-dir " + certs + " --dest-creds tester:secret");
  std::vector<std::string> env = {"PODCTL_CERTS_DIR=" + work_ + "/certs.d", "DOCKER_CONFIG=" + work_ + "/docker"};
  RunResult anonymous = pull(ref, env);
  EXPECT_EQ(anonymous.rc, 1);
  EXPECT_NE(anonymous.err.find("authentication required by 127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << anonymous.err;
  std::string login =
      PODCTL_BINARY + std::string(" --root ") + env_->root() + " image login 127.0.0.1:" + std::to_string(port_);
  RunResult wrong = sh(env[0] + " " + env[1] + " " + login + " -u tester -p nope");
  EXPECT_EQ(wrong.rc, 1);
  EXPECT_NE(wrong.err.find("wrong user name or password"), std::string::npos) << wrong.err;
  RunResult right = sh(env[0] + " " + env[1] + " " + login + " -u tester -p secret");
  EXPECT_EQ(right.out, "Login Succeeded\n") << right.err;
  RunResult r = pull(ref, env);
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  // Without the CA the registry's certificate is refused.
  RunResult untrusted = pull(ref, {"PODCTL_CERTS_DIR=/nonexistent", env[1]});
  EXPECT_EQ(untrusted.rc, 1);
}

TEST_F(Registry, TheBearerTokenFlowAsDockerHubAnswersIt) {
  start_registry("upstream", port_ + 1);
  push("127.0.0.1:" + std::to_string(port_ + 1) + "/test/app:v1");
  start(std::string("python3 ") + PODCTL_SOURCE_DIR + "/tests/support/registry_proxy.py token " +
            std::to_string(port_) + " http://127.0.0.1:" + std::to_string(port_ + 1) + " - -",
        port_);
  RunResult r = pull("127.0.0.1:" + std::to_string(port_) + "/test/app:v1",
                     {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_NE(server_log(port_).find("token issued for /token?service=podctl-test&scope=repository%3Atest%2Fapp%3Apull"),
            std::string::npos)
      << server_log(port_);
}

TEST_F(Registry, BadInputsStoreNoImage) {
  start_registry("bad", port_);
  std::string base = "127.0.0.1:" + std::to_string(port_) + "/test/app";
  std::vector<std::string> insecure = {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)};
  push(base + ":v1");
  RunResult unknown = pull(base + ":nope", insecure);
  EXPECT_EQ(unknown.rc, 1);
  EXPECT_NE(unknown.err.find("manifest unknown"), std::string::npos) << unknown.err;
  // An index whose only manifest is for another platform.
  must("python3 - " + layout_ +
       " <<'PY'\n"
       "import hashlib, json, sys\n"
       "d = sys.argv[1]\n"
       "index = json.load(open(d + '/index.json'))\n"
       "m = dict(index['manifests'][0]); m.pop('annotations', None)\n"
       "def add(tag, arches):\n"
       "  ms = [dict(m, platform={'os': 'linux', 'architecture': a}) for a in arches]\n"
       "  blob = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.index.v1+json', 'manifests': "
       "ms}).encode()\n"
       "  h = hashlib.sha256(blob).hexdigest(); open(d + '/blobs/sha256/' + h, 'wb').write(blob)\n"
       "  index['manifests'].append({'mediaType': 'application/vnd.oci.image.index.v1+json', 'digest': 'sha256:' + h, "
       "'size': len(blob),"
       " 'annotations': {'org.opencontainers.image.ref.name': tag}})\n"
       "import platform; host = {'x86_64': 'amd64', 'aarch64': 'arm64'}.get(platform.machine(), platform.machine())\n"
       "add('other', ['riscv64']); add('multi', ['riscv64', host])\n"
       "json.dump(index, open(d + '/index.json', 'w'))\n"
       "PY");
  must("skopeo copy --quiet --all --dest-tls-verify=false oci:" + layout_ + ":other docker://" + base + ":other");
  RunResult platform = pull(base + ":other", insecure);
  EXPECT_EQ(platform.rc, 1);
  EXPECT_NE(platform.err.find("no image for linux/"), std::string::npos) << platform.err;
  must("skopeo copy --quiet --all --dest-tls-verify=false oci:" + layout_ + ":multi docker://" + base + ":multi");
  RunResult multi = pull(base + ":multi", insecure);
  EXPECT_EQ(multi.rc, 0) << multi.err;  // the index's entry for this machine
  EXPECT_EQ(env_->podctl({"image", "rm", base + ":multi"}).rc, 0);
  EXPECT_EQ(env_->podctl({"image", "prune"}).rc, 0);  // else the next pull finds every blob stored
  // Corrupt the largest layer in the registry's storage: its digest no longer matches.
  must("f=$(ls -S $(find " + work_ +
       "/bad-data -path '*blobs/sha256/*/data') | head -1); printf corrupt | dd of=$f bs=1 seek=100 conv=notrunc "
       "2>/dev/null");
  RunResult corrupt = pull(base + ":v1", insecure);
  EXPECT_EQ(corrupt.rc, 1);
  EXPECT_NE(corrupt.err.find("digest mismatch"), std::string::npos) << corrupt.err;
  EXPECT_EQ(env_->podctl({"image", "ls"}).out.find("test/app"), std::string::npos);
}

TEST_F(Registry, ADroppedConnectionIsRetriedAndResumed) {
  start_registry("upstream", port_ + 1);
  push("127.0.0.1:" + std::to_string(port_ + 1) + "/test/app:v1");
  start(std::string("python3 ") + PODCTL_SOURCE_DIR + "/tests/support/registry_proxy.py flaky " +
            std::to_string(port_) + " http://127.0.0.1:" + std::to_string(port_ + 1),
        port_);
  RunResult r = pull("127.0.0.1:" + std::to_string(port_) + "/test/app:v1",
                     {"PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  // Every blob was cut once, and the rest was asked for from where the cut left it.
  std::string log = server_log(port_);
  EXPECT_NE(log.find("cut /v2/test/app/blobs/"), std::string::npos) << log;
  EXPECT_NE(log.find("range bytes="), std::string::npos) << log;
  EXPECT_NE(env_->podctl({"image", "ls"}).out.find("/test/app"), std::string::npos);
}

TEST_F(Registry, ApplyPullsAMissingImageAsTheKubeletDoes) {
  start_registry("plain", port_);
  std::string ref = "127.0.0.1:" + std::to_string(port_) + "/test/app:v1";
  push(ref);
  // The supervisor inherits the setting from apply's environment.
  RunResult r =
      sh("PODCTL_INSECURE_REGISTRIES=127.0.0.1:" + std::to_string(port_) + " " + PODCTL_BINARY + " --root " +
         env_->root() + " --bridge " + env_->bridge() + " --subnet " + env_->subnet() + " apply -f - <<'EOF'\n" +
         pod_yaml("pulled", "  - name: app\n    image: " + ref + "\n", "  terminationGracePeriodSeconds: 0\n") + "EOF");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(env_->eventually([&] {
    return env_->podctl({"logs", "pulled"}).out.find("hello") != std::string::npos;
  }));
  std::string events = env_->podctl({"describe", "pod", "pulled"}).out;
  EXPECT_NE(events.find("Pulling image \"" + ref + "\""), std::string::npos) << events;
  EXPECT_NE(events.find("Successfully pulled image \"" + ref + "\" in "), std::string::npos) << events;
  // An image in use cannot be removed.
  RunResult rm = env_->podctl({"image", "rm", ref});
  EXPECT_EQ(rm.rc, 1);
  EXPECT_NE(rm.err.find("is used by pod default/pulled"), std::string::npos) << rm.err;
}

TEST_F(Registry, ImportsDockerSaveAndOciArchivesWithTheirConfig) {
  std::string docker_tar = work_ + "/docker.tar", oci_tar = work_ + "/oci.tar";
  must("skopeo copy --quiet oci:" + layout_ + ":v1 docker-archive:" + docker_tar + ":test/saved:v1");
  must("skopeo copy --quiet oci:" + layout_ + ":v1 oci-archive:" + oci_tar + ":v1");
  RunResult saved = env_->podctl({"image", "import", docker_tar});
  EXPECT_EQ(saved.rc, 0) << saved.err;
  EXPECT_NE(saved.out.find("Loaded image: docker.io/test/saved:v1"), std::string::npos) << saved.out;
  RunResult oci = env_->podctl({"image", "import", "local/app:oci", oci_tar});
  EXPECT_EQ(oci.rc, 0) << oci.err;
  RunResult layout = env_->podctl({"image", "import", "local/app:dir", layout_});
  EXPECT_EQ(layout.rc, 0) << layout.err;
  // Three names, one set of layers: the store keeps each layer once.
  json a = json::parse(env_->podctl({"image", "inspect", "test/saved:v1", "local/app:oci", "local/app:dir"}).out);
  EXPECT_EQ(a[0]["RootFS"], a[1]["RootFS"]);
  EXPECT_EQ(a[1]["RootFS"], a[2]["RootFS"]);
  ASSERT_EQ(env_->apply(pod_yaml("saved", "  - name: app\n    image: test/saved:v1\n",
                                 "  terminationGracePeriodSeconds: 0\n"))
                .rc,
            0);
  EXPECT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "saved"}).out.find("hello") != std::string::npos; }));
  EXPECT_EQ(env_->podctl({"logs", "saved"}).out,
            "hi from /srv as 1000\nls: /bin/vi: No such file or directory\nhello\n");
  // tag, rm, prune: layers go only when no image has them.
  EXPECT_EQ(env_->podctl({"image", "tag", "local/app:oci", "local/app:again"}).rc, 0);
  EXPECT_EQ(env_->podctl({"image", "rm", "local/app:oci", "local/app:dir", "local/app:again"}).rc, 0);
  RunResult prune = env_->podctl({"image", "prune"});
  EXPECT_NE(prune.out.find("Total reclaimed space"), std::string::npos);
  EXPECT_TRUE(env_->eventually([&] { return env_->podctl({"logs", "saved"}).out.find("hello") != std::string::npos; }));
  ASSERT_EQ(env_->podctl({"delete", "pod", "saved"}).rc, 0);
  EXPECT_EQ(env_->podctl({"image", "rm", "test/saved:v1"}).rc, 0);
  env_->podctl({"image", "prune"});
  EXPECT_FALSE(fs::exists(env_->root() + "/images/layers") &&
               std::distance(fs::directory_iterator(env_->root() + "/images/layers"), fs::directory_iterator{}) > 1);
}

TEST_F(Registry, ACorruptedArchiveBlobStoresNoImage) {
  std::string copy = work_ + "/corrupt";
  must("cp -a " + layout_ + " " + copy + " && f=$(ls -S " + copy +
       "/blobs/sha256/* | head -1) && "
       "printf corrupt | dd of=$f bs=1 seek=100 conv=notrunc 2>/dev/null");
  RunResult r = env_->podctl({"image", "import", "local/bad:v1", copy});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("digest mismatch"), std::string::npos) << r.err;
  EXPECT_EQ(env_->podctl({"image", "ls"}).out.find("local/bad"), std::string::npos);
}

}  // namespace
}  // namespace podctl::test
