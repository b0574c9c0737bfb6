// BuildZip: writes a zip archive into memory with libzip, for the tests of
// the zip-based converters (hostile archives are built, not stored).
#ifndef HEARTH_RAG_CONVERT_ZIP_TEST_UTIL_H_
#define HEARTH_RAG_CONVERT_ZIP_TEST_UTIL_H_

#include <zip.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace hearth::testing_util {

// The bytes of a zip archive holding `entries` (name, content) in order,
// deflated. Aborts the test binary on a libzip failure.
inline std::string BuildZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) std::abort();
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) std::abort();
  for (const auto& [name, content] : entries) {
    zip_source_t* data = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (data == nullptr) std::abort();
    zip_int64_t index = zip_file_add(archive, name.c_str(), data, ZIP_FL_ENC_UTF_8);
    if (index < 0) std::abort();
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
  }
  if (zip_close(archive) != 0) std::abort();
  std::string bytes;
  if (zip_source_open(buffer) != 0) std::abort();
  char chunk[65536];
  zip_int64_t n;
  while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) {
    bytes.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return bytes;
}

}  // namespace hearth::testing_util

#endif  // HEARTH_RAG_CONVERT_ZIP_TEST_UTIL_H_
