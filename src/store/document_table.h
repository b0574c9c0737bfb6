// DocumentTable: typed access to the documents table.
//
// A document is one uploaded file in a workspace. Its original bytes live in
// the blob store under blob_digest; a workspace holds each digest at most
// once (re-uploading the same file is a no-op that finds the first copy).
// Status moves queued -> converting -> embedding -> ready, or to failed.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it).
//
// Example:
//   DocumentTable documents(db);
//   int64_t existing = 0;
//   StatusOr<int64_t> id = documents.Insert({.workspace_id = ws, .name = "a.pdf",
//                                            .blob_digest = digest.FileName(),
//                                            .bytes = size}, &existing);
//   if (id.status().code() == StatusCode::kAlreadyExists) id = existing;
#ifndef HEARTH_STORE_DOCUMENT_TABLE_H_
#define HEARTH_STORE_DOCUMENT_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

enum class DocumentStatus { kQueued, kConverting, kEmbedding, kReady, kFailed };

// "queued", "converting", "embedding", "ready" or "failed".
std::string_view DocumentStatusName(DocumentStatus status);

struct NewDocument {
  int64_t workspace_id = 0;
  std::string name;         // the uploaded file name; 1..1024 bytes of UTF-8
  std::string blob_digest;  // "sha256-<hex>" (or "sha256:<hex>", stored as "sha256-<hex>")
  int64_t bytes = 0;        // size of the original, >= 0
  int64_t uploaded_by = 0;  // the uploader's user id; 0: the single-user local owner
};

struct DocumentRow {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string name;
  std::string blob_digest;  // always "sha256-<hex>"
  int64_t bytes = 0;
  std::string format;       // "" until converted
  std::string title;
  int64_t page_count = 0;
  DocumentStatus status = DocumentStatus::kQueued;
  std::string error;        // why it failed; "" otherwise
  std::string warnings;     // converter warnings, one per line
  bool pinned = false;
  int64_t created_at_ms = 0;  // unix milliseconds
  int64_t updated_at_ms = 0;
  int64_t uploaded_by = 0;    // user id; 0: the single-user local owner
};

// What citations call the document: its title when the converter found one,
// else its file name.
inline const std::string& DocumentDisplayName(const DocumentRow& row) {
  return row.title.empty() ? row.name : row.title;
}

class DocumentTable {
 public:
  explicit DocumentTable(Database& db) : db_(db) {}

  // Adds a queued document and returns its id.
  // Errors: InvalidArgument for an empty/bad name, a malformed digest or
  // negative bytes; NotFound when the workspace does not exist;
  // AlreadyExists when the workspace already holds this digest, with the
  // existing document's id in the message and in *existing_id (if non-null).
  // Nothing is written on error.
  StatusOr<int64_t> Insert(const NewDocument& document, int64_t* existing_id = nullptr);

  // Errors: NotFound.
  StatusOr<DocumentRow> Get(int64_t id);
  // The document with `blob_digest` in the workspace. Errors: NotFound,
  // InvalidArgument for a malformed digest.
  StatusOr<DocumentRow> FindByDigest(int64_t workspace_id, std::string_view blob_digest);

  // The workspace's documents, oldest first (empty for an unknown workspace).
  StatusOr<std::vector<DocumentRow>> ListByWorkspace(int64_t workspace_id);

  // Sets status, error and warnings together. Errors: NotFound;
  // InvalidArgument for text with NUL bytes or invalid UTF-8.
  Status SetStatus(int64_t id, DocumentStatus status, std::string_view error = {},
                   std::string_view warnings = {});

  // Records what conversion found. Errors: NotFound; InvalidArgument for bad
  // text or a negative page_count.
  Status SetConverted(int64_t id, std::string_view format, std::string_view title,
                      int64_t page_count);

  // Errors: NotFound.
  Status SetPinned(int64_t id, bool pinned);

  // Deletes the document and its chunks and jobs; the chunks leave the FTS
  // index and get 'remove' rows in the index change log (by triggers).
  // The blob is not touched. Errors: NotFound.
  Status Delete(int64_t id);

 private:
  // AlreadyExists (filling *existing_id) when the workspace holds `digest`.
  Status CheckNotDuplicate(int64_t workspace_id, std::string_view digest, int64_t* existing_id);

  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_DOCUMENT_TABLE_H_
