#include "rag/convert/zip_archive.h"

#include <zip.h>

#include <array>
#include <utility>

#include "base/status_macros.h"

namespace hearth {
namespace {

// How much is inflated per zip_fread call; the limits are checked after each.
constexpr size_t kReadChunk = 64 * 1024;

std::string ZipErrorText(zip_error_t* error) { return zip_error_strerror(error); }

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<ZipArchive>> ZipArchive::Open(std::string_view bytes,
                                                       const ConvertLimits& limits) {
  // libzip opens zero bytes as a new, empty archive.
  if (bytes.empty()) return InvalidArgumentError("the file is empty, not a zip archive");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    std::string text = ZipErrorText(&error);
    zip_error_fini(&error);
    return InternalError("cannot read the zip archive from memory: " + text);
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    std::string text = ZipErrorText(&error);
    zip_error_fini(&error);
    return InvalidArgumentError("the file is not a readable zip archive (" + text +
                                "); it may be truncated or corrupt");
  }
  zip_error_fini(&error);
  std::unique_ptr<ZipArchive> result(new ZipArchive(archive, limits));
  RETURN_IF_ERROR(result->IndexEntries());
  return result;
}

ZipArchive::ZipArchive(zip* archive, const ConvertLimits& limits)
    : archive_(archive), limits_(limits) {}

ZipArchive::~ZipArchive() { zip_discard(archive_); }

Status ZipArchive::IndexEntries() {
  zip_int64_t count = zip_get_num_entries(archive_, 0);
  if (count < 0) return InvalidArgumentError("the zip archive has no readable entry list");
  if (static_cast<uint64_t>(count) > limits_.max_zip_entries) {
    return ResourceExhaustedError("the zip archive has " + std::to_string(count) +
                                  " entries, more than the limit of " +
                                  std::to_string(limits_.max_zip_entries) + " (max_zip_entries)");
  }
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    const char* name = zip_get_name(archive_, i, ZIP_FL_ENC_GUESS);
    if (name == nullptr) continue;
    names_.emplace_back(name);
    index_.emplace(names_.back(), i);  // a duplicate name keeps its first entry
  }
  return OkStatus();
}

bool ZipArchive::Contains(std::string_view name) const { return index_.find(name) != index_.end(); }

StatusOr<std::string> ZipArchive::ReadEntry(std::string_view name) {
  auto found = index_.find(name);
  if (found == index_.end()) {
    return NotFoundError("the zip archive has no entry '" + std::string(name) + "'");
  }
  ZipFilePtr file(zip_fopen_index(archive_, found->second, 0));
  if (file == nullptr) {
    return InvalidArgumentError("cannot open zip entry '" + std::string(name) +
                                "': " + zip_strerror(archive_) +
                                " (encrypted documents are not supported)");
  }
  std::string out;
  std::array<char, kReadChunk> buffer;
  while (true) {
    zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
    if (n < 0) {
      return InvalidArgumentError("zip entry '" + std::string(name) +
                                  "' is corrupt: " + zip_file_strerror(file.get()));
    }
    if (n == 0) break;
    out.append(buffer.data(), static_cast<size_t>(n));
    unpacked_bytes_ += static_cast<uint64_t>(n);
    if (out.size() > limits_.max_entry_bytes) {
      return ResourceExhaustedError("zip entry '" + std::string(name) + "' inflates to more than " +
                                    std::to_string(limits_.max_entry_bytes) +
                                    " bytes (max_entry_bytes); the file may be a zip bomb");
    }
    if (unpacked_bytes_ > limits_.max_unpacked_bytes) {
      return ResourceExhaustedError("the zip archive inflates to more than " +
                                    std::to_string(limits_.max_unpacked_bytes) +
                                    " bytes (max_unpacked_bytes); the file may be a zip bomb");
    }
  }
  return out;
}

std::string ZipDirectoryOf(std::string_view entry_name) {
  size_t slash = entry_name.rfind('/');
  if (slash == std::string_view::npos) return "";
  return std::string(entry_name.substr(0, slash + 1));
}

std::string ResolveZipPath(std::string_view base_dir, std::string_view href) {
  href = href.substr(0, href.find('#'));
  std::string decoded = PercentDecode(href);
  std::string joined =
      !decoded.empty() && decoded[0] == '/' ? decoded : std::string(base_dir) + decoded;
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string segment = joined.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& segment : segments) {
    if (!out.empty()) out.push_back('/');
    out += segment;
  }
  return out;
}

}  // namespace hearth
