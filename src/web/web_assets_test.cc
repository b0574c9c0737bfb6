#include "web/web_assets.h"

#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(WebAssetsTest, ServesTheShellWithItsContentType) {
  const std::optional<WebAsset> index = FindWebAsset("index.html");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->bytes.find("/assets/app.js"), std::string_view::npos);
  const std::optional<WebAsset> app = FindWebAsset("app.js");
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
  ASSERT_TRUE(FindWebAsset("style.css").has_value());
  EXPECT_EQ(FindWebAsset("style.css")->content_type, "text/css; charset=utf-8");
}

TEST(WebAssetsTest, EmbedsThePinnedLibrariesUnderVendor) {
  const std::optional<WebAsset> marked = FindWebAsset("vendor/marked.js");
  ASSERT_TRUE(marked.has_value());
  EXPECT_NE(marked->bytes.find("export"), std::string_view::npos);
  const std::optional<WebAsset> purify = FindWebAsset("vendor/purify.js");
  ASSERT_TRUE(purify.has_value());
  EXPECT_NE(purify->bytes.find("sanitize"), std::string_view::npos);
}

TEST(WebAssetsTest, LeavesOutTheReadmeAndTheEmbedder) {
  EXPECT_FALSE(FindWebAsset("README.md").has_value());
  EXPECT_FALSE(FindWebAsset("CMakeLists.txt").has_value());
  EXPECT_FALSE(FindWebAsset("embed_assets.cc").has_value());
  EXPECT_FALSE(FindWebAsset("web_assets.h").has_value());
}

TEST(WebAssetsTest, FindsExactPathsOnly) {
  for (const char* path : {"", "/app.js", "./app.js", "../app.js", "APP.JS", "app.js/", "pages", "pages/",
                           "vendor", "app.j", "app.jsx"}) {
    EXPECT_FALSE(FindWebAsset(path).has_value()) << path;
  }
}

TEST(WebAssetsTest, TableIsSortedUniqueAndByteExact) {
  const std::span<const WebAsset> assets = AllWebAssets();
  ASSERT_FALSE(assets.empty());
  for (std::size_t i = 1; i < assets.size(); ++i) EXPECT_LT(assets[i - 1].path, assets[i].path);
  for (const WebAsset& asset : assets) {
    const std::optional<WebAsset> found = FindWebAsset(asset.path);
    ASSERT_TRUE(found.has_value()) << asset.path;
    EXPECT_EQ(found->bytes.data(), asset.bytes.data());
  }
}

}  // namespace
}  // namespace hearth
