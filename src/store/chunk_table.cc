#include "store/chunk_table.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

constexpr size_t kMaxChunkBytes = 1024 * 1024;
constexpr size_t kMaxHeadingBytes = 64 * 1024;
constexpr size_t kMaxHashBytes = 256;
constexpr size_t kMaxQueryWords = 64;

constexpr std::string_view kColumns =
    "id, document_id, ordinal, text, heading_path, page_first, page_last, token_count, "
    "content_hash, embed_prefix";

ChunkRow ReadRow(const Statement& stmt) {
  ChunkRow row;
  row.id = stmt.ColumnInt(0);
  row.document_id = stmt.ColumnInt(1);
  row.ordinal = stmt.ColumnInt(2);
  row.text = stmt.ColumnText(3);
  row.heading_path = stmt.ColumnText(4);
  row.page_first = stmt.ColumnInt(5);
  row.page_last = stmt.ColumnInt(6);
  row.token_count = stmt.ColumnInt(7);
  row.content_hash = stmt.ColumnText(8);
  row.embed_prefix = stmt.ColumnText(9);
  return row;
}

Status CheckRowFields(const ChunkRow& chunk) {
  if (chunk.ordinal < 0) return InvalidArgumentError("ordinal is negative");
  if (chunk.text.empty()) return InvalidArgumentError("text is empty");
  RETURN_IF_ERROR(internal::CheckText("text", chunk.text, kMaxChunkBytes));
  RETURN_IF_ERROR(internal::CheckText("heading_path", chunk.heading_path, kMaxHeadingBytes));
  RETURN_IF_ERROR(internal::CheckText("embed_prefix", chunk.embed_prefix, kMaxHeadingBytes));
  if (chunk.content_hash.empty()) return InvalidArgumentError("content_hash is empty");
  RETURN_IF_ERROR(internal::CheckText("content_hash", chunk.content_hash, kMaxHashBytes));
  if (chunk.page_first < 0 || chunk.page_last < chunk.page_first) {
    return InvalidArgumentError("pages " + std::to_string(chunk.page_first) + ".." +
                                std::to_string(chunk.page_last) + " are not a range");
  }
  if (chunk.token_count < 0) return InvalidArgumentError("token_count is negative");
  return OkStatus();
}

Status CheckRow(const ChunkRow& chunk) {
  return CheckRowFields(chunk).WithContext("chunk " + std::to_string(chunk.ordinal));
}

Status BindRow(Statement& stmt, const ChunkRow& chunk) {
  RETURN_IF_ERROR(stmt.Bind(2, chunk.ordinal));
  RETURN_IF_ERROR(stmt.Bind(3, chunk.text));
  RETURN_IF_ERROR(stmt.Bind(4, chunk.heading_path));
  RETURN_IF_ERROR(stmt.Bind(5, chunk.page_first));
  RETURN_IF_ERROR(stmt.Bind(6, chunk.page_last));
  RETURN_IF_ERROR(stmt.Bind(7, chunk.token_count));
  RETURN_IF_ERROR(stmt.Bind(8, chunk.content_hash));
  return stmt.Bind(9, chunk.embed_prefix);
}

Status ExplainInsertError(const Status& status, int64_t document_id, const ChunkRow& chunk) {
  if (status.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("document", document_id) + " does not exist");
  }
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError(internal::RowName("document", document_id) +
                              " already has a chunk with ordinal " +
                              std::to_string(chunk.ordinal));
  }
  return status;
}

bool IsWordByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
         (byte >= 'A' && byte <= 'Z') || byte == '_';
}

// Lucene's English stopwords. OR-ed into a query they match nearly every
// chunk, so FTS5 scores the whole workspace (on 100,000 chunks, three times
// slower) while their bm25 weight is almost nil: on SciFact, nDCG@10 goes
// from 0.685 to 0.688 without them (bench/retrieval_bench.cc).
bool IsStopword(std::string_view word) {
  static constexpr std::array<std::string_view, 33> kStopwords = {
      "a",    "an",    "and",  "are",  "as",    "at",   "be",   "but",  "by",
      "for",  "if",    "in",   "into", "is",    "it",   "no",   "not",  "of",
      "on",   "or",    "such", "that", "the",   "their", "then", "there", "these",
      "they", "this",  "to",   "was",  "will",  "with"};
  if (word.size() > 5) return false;
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(kStopwords.begin(), kStopwords.end(), lower) != kStopwords.end();
}

StatusOr<int64_t> SingleInt(Statement& stmt) {
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("aggregate query returned no row");
  return stmt.ColumnInt(0);
}

}  // namespace

std::string FtsMatchExpression(std::string_view query) {
  std::vector<std::string_view> words, content_words;
  size_t i = 0;
  while (i < query.size() && words.size() < kMaxQueryWords) {
    while (i < query.size() && !IsWordByte(query[i])) ++i;
    size_t start = i;
    while (i < query.size() && IsWordByte(query[i])) ++i;
    if (i == start) break;
    words.push_back(query.substr(start, i - start));
    if (!IsStopword(words.back())) content_words.push_back(words.back());
  }
  std::string expression;
  for (std::string_view word : content_words.empty() ? words : content_words) {
    if (!expression.empty()) expression += " OR ";
    // A word holds no '"' (it is punctuation), so quoting needs no escapes.
    expression += '"';
    expression += word;
    expression += '"';
  }
  return expression;
}

StatusOr<std::vector<int64_t>> ChunkTable::InsertBatch(int64_t document_id,
                                                       const std::vector<ChunkRow>& chunks) {
  for (const ChunkRow& chunk : chunks) RETURN_IF_ERROR(CheckRow(chunk));
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO chunks (document_id, ordinal, text, heading_path, "
                               "page_first, page_last, token_count, content_hash, embed_prefix) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  RETURN_IF_ERROR(stmt.Bind(1, document_id));
  std::vector<int64_t> ids;
  ids.reserve(chunks.size());
  for (const ChunkRow& chunk : chunks) {
    RETURN_IF_ERROR(BindRow(stmt, chunk));
    Status inserted = stmt.Run();
    if (!inserted.ok()) return ExplainInsertError(inserted, document_id, chunk);
    ids.push_back(db_.LastInsertRowId());
  }
  RETURN_IF_ERROR(transaction.Commit());
  return ids;
}

StatusOr<std::vector<ChunkRow>> ChunkTable::ListByDocument(int64_t document_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) +
                               " FROM chunks WHERE document_id = ?1 ORDER BY ordinal"));
  RETURN_IF_ERROR(stmt.Bind(1, document_id));
  std::vector<ChunkRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  return rows;
}

StatusOr<std::vector<ChunkRow>> ChunkTable::GetByIds(std::span<const int64_t> ids) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM chunks WHERE id = ?1"));
  std::vector<ChunkRow> rows;
  rows.reserve(ids.size());
  for (int64_t id : ids) {
    RETURN_IF_ERROR(stmt.Bind(1, id));
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (has_row) rows.push_back(ReadRow(stmt));
    stmt.Reset();
  }
  return rows;
}

StatusOr<int64_t> ChunkTable::CountByDocument(int64_t document_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT count(*) FROM chunks WHERE document_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, document_id));
  return SingleInt(stmt);
}

StatusOr<int64_t> ChunkTable::DeleteByDocument(int64_t document_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM chunks WHERE document_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, document_id));
  RETURN_IF_ERROR(stmt.Run());
  return db_.ChangedRows();
}

Status ChunkTable::CheckFts() {
  // rank 1: also compare the index with the chunks it is built from.
  Status checked =
      db_.Execute("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)");
  if (checked.ok()) return checked;
  return InternalError("the full-text index disagrees with the chunks: " + checked.message());
}

Status ChunkTable::RebuildFts() {
  return db_.Execute("INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild')");
}

StatusOr<std::vector<int64_t>> ChunkTable::ListIdsByWorkspace(int64_t workspace_id) {
  return ListIdsByWorkspaceAfter(workspace_id, 0, std::numeric_limits<int64_t>::max());
}

StatusOr<std::vector<int64_t>> ChunkTable::ListIdsByWorkspaceAfter(int64_t workspace_id,
                                                                  int64_t after, int64_t limit) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT chunks.id FROM chunks JOIN documents "
                               "ON documents.id = chunks.document_id "
                               "WHERE documents.workspace_id = ?1 AND chunks.id > ?2 "
                               "ORDER BY chunks.id LIMIT ?3"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, after));
  RETURN_IF_ERROR(stmt.Bind(3, limit));
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return ids;
    ids.push_back(stmt.ColumnInt(0));
  }
}

StatusOr<int64_t> ChunkTable::MaxOrdinal(int64_t document_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT coalesce(max(ordinal), -1) FROM chunks "
                                               "WHERE document_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, document_id));
  return SingleInt(stmt);
}

StatusOr<std::vector<FtsHit>> ChunkTable::SearchFts(int64_t workspace_id,
                                                    std::string_view query, int limit) {
  if (limit < 1) {
    return InvalidArgumentError("search limit " + std::to_string(limit) + " must be at least 1");
  }
  std::vector<FtsHit> hits;
  const std::string expression = FtsMatchExpression(query);
  if (expression.empty()) return hits;
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT chunks_fts.rowid, -bm25(chunks_fts) FROM chunks_fts "
                               "JOIN chunks ON chunks.id = chunks_fts.rowid "
                               "JOIN documents ON documents.id = chunks.document_id "
                               "WHERE chunks_fts MATCH ?1 AND documents.workspace_id = ?2 "
                               "AND documents.status = 'ready' "
                               "ORDER BY bm25(chunks_fts) LIMIT ?3"));
  RETURN_IF_ERROR(stmt.Bind(1, expression));
  RETURN_IF_ERROR(stmt.Bind(2, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(3, int64_t{limit}));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    hits.push_back({.chunk_id = stmt.ColumnInt(0), .score = stmt.ColumnDouble(1)});
  }
  return hits;
}

}  // namespace hearth
