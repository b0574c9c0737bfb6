// ZipArchive: read-only access to a zip archive held in memory (the container
// of DOCX, ODT, PPTX, XLSX and EPUB files), built on libzip.
//
// The archive is untrusted. Nothing is ever written to disk, so entry names
// matter only for lookups. Sizes in the headers are never trusted: ReadEntry
// counts the bytes actually inflated against ConvertLimits::max_entry_bytes
// and, across every entry read from this archive, max_unpacked_bytes; a zip
// bomb therefore fails with ResourceExhausted after inflating at most the
// limit. Open() refuses archives with more than max_zip_entries entries.
//
// Thread model: externally synchronized (ReadEntry updates the running
// total). The archive borrows `bytes`, which must outlive it.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<ZipArchive> zip, ZipArchive::Open(bytes, limits));
//   if (zip->Contains("word/document.xml")) {
//     ASSIGN_OR_RETURN(std::string xml, zip->ReadEntry("word/document.xml"));
//   }
#ifndef HEARTH_RAG_CONVERT_ZIP_ARCHIVE_H_
#define HEARTH_RAG_CONVERT_ZIP_ARCHIVE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rag/convert/convert_limits.h"

struct zip;  // libzip's archive handle (zip_t)

namespace hearth {

class ZipArchive {
 public:
  // Opens the archive in `bytes` (borrowed; must outlive the archive).
  // Errors: InvalidArgument when the bytes are not a readable zip archive
  // (truncated, corrupt, not a zip); ResourceExhausted when it has more than
  // limits.max_zip_entries entries.
  static StatusOr<std::unique_ptr<ZipArchive>> Open(std::string_view bytes,
                                                    const ConvertLimits& limits);

  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The entry names in archive order (directories included, ending in '/').
  const std::vector<std::string>& entry_names() const { return names_; }

  // True if an entry is named exactly `name` (no leading '/').
  bool Contains(std::string_view name) const;

  // Inflates the entry named `name` and returns its bytes.
  // Errors: NotFound when there is no such entry; ResourceExhausted when the
  // entry inflates past limits.max_entry_bytes or the archive's running total
  // past limits.max_unpacked_bytes (the message names the limit);
  // InvalidArgument when the entry is encrypted or its data is corrupt.
  StatusOr<std::string> ReadEntry(std::string_view name);

  // Bytes inflated so far by ReadEntry, over all entries.
  uint64_t unpacked_bytes() const { return unpacked_bytes_; }

 private:
  ZipArchive(zip* archive, const ConvertLimits& limits);
  Status IndexEntries();

  zip* archive_;  // owned; discarded in the destructor
  ConvertLimits limits_;
  std::vector<std::string> names_;
  std::map<std::string, uint64_t, std::less<>> index_;  // name -> libzip index
  uint64_t unpacked_bytes_ = 0;
};

// Resolves `href` (a relative reference from a document inside the archive,
// as in EPUB manifests and OOXML relationships) against the folder
// `base_dir` ("OEBPS/" or "" for the root): percent escapes are decoded,
// "." and ".." segments are applied, a leading '/' means the archive root,
// and a fragment ("#...") is dropped. ".." above the root is clamped at the
// root; the result never starts with '/'.
std::string ResolveZipPath(std::string_view base_dir, std::string_view href);

// The folder part of an entry name, with its trailing '/' ("word/" for
// "word/document.xml", "" for "mimetype").
std::string ZipDirectoryOf(std::string_view entry_name);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_ZIP_ARCHIVE_H_
