#include "models/model_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// A manifest as ollama.com serves one.
std::string RegistryManifest() {
  std::string json = R"({"schemaVersion":2,)";
  json += R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json",)";
  json += R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json",)";
  json += R"("digest":")" + std::string(kDigestA) + R"(","size":485},)";
  json += R"("layers":[{"mediaType":"application/vnd.ollama.image.model",)";
  json += R"("digest":")" + std::string(kDigestB) + R"(","size":807694464},)";
  json += R"({"mediaType":"application/x-future",)";
  json += R"("digest":")" + std::string(kDigestA) + R"(","size":7,"from":"elsewhere"}]})";
  return json;
}

TEST(ModelManifestTest, ParsesARegistryManifest) {
  StatusOr<ModelManifest> manifest = ParseManifest(RegistryManifest());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->config.media_type, kConfigMediaType);
  EXPECT_EQ(manifest->config.digest.ToString(), kDigestA);
  EXPECT_EQ(manifest->config.size, 485u);
  ASSERT_EQ(manifest->layers.size(), 2u);
  EXPECT_EQ(manifest->layers[0].size, 807694464u);
  EXPECT_EQ(manifest->layers[1].media_type, "application/x-future");
  EXPECT_EQ(manifest->FindLayer(kModelLayerType), &manifest->layers[0]);
  EXPECT_EQ(manifest->FindLayer(kTemplateLayerType), nullptr);
  EXPECT_EQ(manifest->TotalSize(), 485u + 807694464u + 7u);
}

TEST(ModelManifestTest, SerializeRoundTripsAndIsStable) {
  ModelManifest manifest = ParseManifest(RegistryManifest()).value();
  std::string json = SerializeManifest(manifest);
  EXPECT_TRUE(json.starts_with(R"({"schemaVersion":2,"mediaType":")")) << json;
  ModelManifest back = ParseManifest(json).value();
  EXPECT_EQ(SerializeManifest(back), json);
  ASSERT_EQ(back.layers.size(), 2u);
  EXPECT_EQ(back.layers[1].digest, manifest.layers[1].digest);
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ModelManifestTest, RefusesBadManifestsSayingWhy) {
  const std::string good = RegistryManifest();
  const std::pair<std::string, const char*> cases[] = {
      {"{", "not valid JSON"},
      {"[]", "not a JSON object"},
      {Replace(good, R"("schemaVersion":2)", R"("schemaVersion":1)"), "schemaVersion is not 2"},
      {Replace(good, R"("size":485)", R"("size":-1)"), "config has no non-negative whole \"size\""},
      {Replace(good, kDigestB, "sha256-bbbb"), "layer 0's digest 'sha256-bbbb' does not start"},
      {Replace(good, kDigestB, "sha256:XYZ"), "layer 0:"},
      {Replace(good, R"("layers":[)", R"("layers":[1,)"), "layer 0 is not an object"},
      {Replace(good, R"("config")", R"("konfig")"), "it has no config"},
  };
  for (const auto& [json, message] : cases) {
    StatusOr<ModelManifest> manifest = ParseManifest(json);
    EXPECT_EQ(manifest.status().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(manifest.status().message(), HasSubstr(message)) << json;
  }
}

TEST(ModelManifestTest, EnforcesItsLimits) {
  ModelManifest manifest = ParseManifest(RegistryManifest()).value();
  manifest.layers.assign(kMaxManifestLayers + 1, manifest.layers[0]);
  EXPECT_THAT(ParseManifest(SerializeManifest(manifest)).status().message(),
              HasSubstr("65 layers; at most 64"));
  std::string huge = RegistryManifest();
  huge.insert(huge.size() - 1, R"(,"pad":")" + std::string(kMaxManifestBytes, 'x') + "\"");
  EXPECT_THAT(ParseManifest(huge).status().message(), HasSubstr("bytes; at most"));
}

}  // namespace
}  // namespace hearth
