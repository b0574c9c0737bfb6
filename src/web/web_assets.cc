#include "web/web_assets.h"

#include <algorithm>

namespace hearth {
namespace internal {
// Defined in the file embed_assets generates at build time, sorted by path.
extern const WebAsset kWebAssets[];
extern const std::size_t kWebAssetCount;
}  // namespace internal

std::span<const WebAsset> AllWebAssets() {
  return {internal::kWebAssets, internal::kWebAssetCount};
}

std::optional<WebAsset> FindWebAsset(std::string_view path) {
  const std::span<const WebAsset> assets = AllWebAssets();
  const auto it = std::lower_bound(assets.begin(), assets.end(), path,
                                   [](const WebAsset& asset, std::string_view key) {
                                     return asset.path < key;
                                   });
  if (it == assets.end() || it->path != path) return std::nullopt;
  return *it;
}

}  // namespace hearth
