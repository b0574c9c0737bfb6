// The browser UI's files (src/web: index.html, style.css, app.js, pages/,
// and the pinned `marked` and `dompurify` modules under vendor/), embedded
// into the binary at build time by embed_assets.cc. Serving them never reads
// the filesystem, so what runs in the browser is exactly what was built.
//
// Paths are relative to /assets/ and use '/': "app.js", "pages/login.js",
// "vendor/marked.js". index.html is embedded too ("index.html").
//
// Thread-safety: the table is constant data; FindWebAsset is thread-safe.
//
//   if (auto asset = FindWebAsset("app.js")) Send(asset->content_type, asset->bytes);
#ifndef HEARTH_WEB_WEB_ASSETS_H_
#define HEARTH_WEB_WEB_ASSETS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace hearth {

// One embedded file. The views point into static storage: valid for the
// life of the program.
struct WebAsset {
  std::string_view path;          // "pages/login.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view bytes;         // the file's contents
};

// The asset at `path` (relative, as above), or nullopt when there is none.
// Exact match only: "", "../x", "pages/" and "APP.JS" are not found.
std::optional<WebAsset> FindWebAsset(std::string_view path);

// Every embedded asset, sorted by path (for tests and listings).
std::span<const WebAsset> AllWebAssets();

}  // namespace hearth

#endif  // HEARTH_WEB_WEB_ASSETS_H_
