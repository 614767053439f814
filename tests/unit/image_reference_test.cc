#include <gtest/gtest.h>

#include "orchestrator/image/image_reference.h"
#include "orchestrator/image/image_suggestion.h"

namespace podctl {
namespace {

std::string full(const char* text) {
  auto r = parse_image_reference(text);
  return r ? r->full() : "error: " + r.error().message;
}

TEST(ImageReference, NormalizesLikeDocker) {
  EXPECT_EQ(full("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(full("busybox:1.35"), "docker.io/library/busybox:1.35");
  EXPECT_EQ(full("bitnami/redis:7"), "docker.io/bitnami/redis:7");
  EXPECT_EQ(full("localhost:5000/app"), "localhost:5000/app:latest");
  EXPECT_EQ(full("registry.example.com/team/app:v2"), "registry.example.com/team/app:v2");
  EXPECT_EQ(full("localhost/app:1"), "localhost/app:1");
  std::string digest(64, 'a');
  EXPECT_EQ(full(("busybox@sha256:" + digest).c_str()), "docker.io/library/busybox@sha256:" + digest);
}

TEST(ImageReference, FamiliarNameDropsDefaults) {
  EXPECT_EQ(parse_image_reference("docker.io/library/busybox:1.35")->familiar(), "busybox:1.35");
  EXPECT_EQ(parse_image_reference("localhost:5000/app")->familiar(), "localhost:5000/app:latest");
}

TEST(ImageReference, RejectsInvalidReferences) {
  for (const char* bad : {"", "Busybox", "busy box", "app:", "app@sha256:12", "a//b", ":tag", "a._b", "a___b", "a-",
                          "../../etc/busybox", "..:5000/x", "reg.io:/x", "re_g.io/x", "[zz]/x"})
    EXPECT_FALSE(parse_image_reference(bad)) << bad;
  for (const char* good : {"a.b/c__d-e--f:1.0_x", "registry:5000/x/y", "[::1]:5000/x"})
    EXPECT_TRUE(parse_image_reference(good)) << good;
  EXPECT_TRUE(parse_image_reference("localhost/x@sha256:" + std::string(64, 'a')));
  // Long hostile input is refused without recursing per character.
  EXPECT_FALSE(parse_image_reference(std::string(100000, 'a')));
  EXPECT_FALSE(parse_image_reference(std::string(500, 'a') + ":" + std::string(200, '1')));
}

}  // namespace
}  // namespace podctl

namespace podctl {
namespace {

TEST(ClosestImage, ATypoOrAnotherTagPointsAtTheStoredImage) {
  std::vector<std::string> stored = {"busybox:1.35", "alpine:3.19", "registry.local:5000/app:1"};
  EXPECT_EQ(closest_image(stored, "busybx:1.35"), "busybox:1.35");
  EXPECT_EQ(closest_image(stored, "busybox:1.36"), "busybox:1.35");
  EXPECT_EQ(closest_image(stored, "busybox:latest"), "busybox:1.35");  // same repository
  EXPECT_EQ(closest_image(stored, "nginx:1.25"), std::nullopt);
  EXPECT_EQ(closest_image(stored, "busybox:1.35"), std::nullopt);  // that one is there: no typo
}

}  // namespace
}  // namespace podctl
