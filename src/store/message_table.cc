#include "store/message_table.h"

#include <cstdlib>

#include <set>

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

constexpr size_t kMaxModelBytes = 512;
constexpr size_t kMaxJsonBytes = size_t{4} << 20;
constexpr size_t kMaxErrorBytes = 65536;
constexpr size_t kMaxSourceNameBytes = 4096;
constexpr size_t kMaxSnippetBytes = 65536;
constexpr size_t kMaxRetrieversBytes = 256;

constexpr std::string_view kColumns =
    "id, thread_id, workspace_id, role, content, created_at, context_epoch, model, "
    "prompt_tokens, cached_prompt_tokens, generated_tokens, ledger_json, trace_json, error, "
    "prompt_content";

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) text += (text.empty() ? "" : " ") + std::to_string(id);
  return text;
}

std::vector<int64_t> ParseIds(const std::string& text) {
  std::vector<int64_t> ids;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    ids.push_back(std::strtoll(text.c_str() + i, nullptr, 10));
    i = end + 1;
  }
  return ids;
}

Status CheckCount(std::string_view field, int64_t value) {
  if (value >= 0) return OkStatus();
  return InvalidArgumentError(std::string(field) + " " + std::to_string(value) +
                              " is negative");
}

Status ValidateSource(const MessageSource& source) {
  const std::string where = "source [" + std::to_string(source.number) + "] ";
  RETURN_IF_ERROR(
      internal::CheckText(where + "document_name", source.document_name, kMaxSourceNameBytes));
  RETURN_IF_ERROR(
      internal::CheckText(where + "heading_path", source.heading_path, kMaxSourceNameBytes));
  RETURN_IF_ERROR(internal::CheckText(where + "snippet", source.snippet, kMaxSnippetBytes));
  return internal::CheckText(where + "retrievers", source.retrievers, kMaxRetrieversBytes);
}

Status ValidateSources(const std::vector<MessageSource>& sources) {
  std::set<int64_t> numbers;
  for (const MessageSource& source : sources) {
    if (source.number < 1) {
      return InvalidArgumentError("source number " + std::to_string(source.number) +
                                  " must be 1 or more");
    }
    if (!numbers.insert(source.number).second) {
      return InvalidArgumentError("source number " + std::to_string(source.number) +
                                  " appears twice; each [n] names one passage");
    }
    RETURN_IF_ERROR(ValidateSource(source));
  }
  return OkStatus();
}

Status Validate(const MessageRow& row) {
  RETURN_IF_ERROR(
      internal::CheckText("message content", row.content, kMaxMessageContentBytes));
  RETURN_IF_ERROR(internal::CheckText("prompt content", row.prompt_content,
                                      4 * kMaxMessageContentBytes));
  RETURN_IF_ERROR(internal::CheckText("model", row.model, kMaxModelBytes));
  RETURN_IF_ERROR(CheckCount("prompt_tokens", row.prompt_tokens));
  RETURN_IF_ERROR(CheckCount("cached_prompt_tokens", row.cached_prompt_tokens));
  RETURN_IF_ERROR(CheckCount("generated_tokens", row.generated_tokens));
  RETURN_IF_ERROR(internal::CheckText("ledger_json", row.ledger_json, kMaxJsonBytes));
  RETURN_IF_ERROR(internal::CheckText("trace_json", row.trace_json, kMaxJsonBytes));
  RETURN_IF_ERROR(internal::CheckText("error", row.error, kMaxErrorBytes));
  return ValidateSources(row.sources);
}

MessageRow ReadRow(const Statement& stmt) {
  return {.id = stmt.ColumnInt(0),
          .thread_id = stmt.ColumnInt(1),
          .workspace_id = stmt.ColumnInt(2),
          .role = stmt.ColumnText(3) == "assistant" ? MessageRole::kAssistant
                                                    : MessageRole::kUser,
          .content = stmt.ColumnText(4),
          .prompt_content = stmt.ColumnText(14),
          .created_at_ms = stmt.ColumnInt(5),
          .context_epoch = stmt.ColumnInt(6),
          .model = stmt.ColumnText(7),
          .prompt_tokens = stmt.ColumnInt(8),
          .cached_prompt_tokens = stmt.ColumnInt(9),
          .generated_tokens = stmt.ColumnInt(10),
          .ledger_json = stmt.ColumnText(11),
          .trace_json = stmt.ColumnText(12),
          .error = stmt.ColumnText(13)};
}

MessageSource ReadSource(const Statement& stmt) {
  return {.number = stmt.ColumnInt(0),
          .chunk_id = stmt.ColumnInt(1),
          .chunk_ids = ParseIds(stmt.ColumnText(11)),
          .document_id = stmt.ColumnInt(2),
          .document_name = stmt.ColumnText(3),
          .page_first = stmt.ColumnInt(4),
          .page_last = stmt.ColumnInt(5),
          .heading_path = stmt.ColumnText(6),
          .snippet = stmt.ColumnText(7),
          .score = stmt.ColumnDouble(8),
          .retrievers = stmt.ColumnText(9),
          .in_prompt = stmt.ColumnInt(10) != 0};
}

Status BindMessage(Statement& stmt, const MessageRow& row) {
  RETURN_IF_ERROR(stmt.Bind(1, row.thread_id));
  RETURN_IF_ERROR(stmt.Bind(2, MessageRoleName(row.role)));
  RETURN_IF_ERROR(stmt.Bind(3, row.content));
  RETURN_IF_ERROR(stmt.Bind(4, row.created_at_ms));
  RETURN_IF_ERROR(stmt.Bind(5, row.context_epoch));
  RETURN_IF_ERROR(stmt.Bind(6, row.model));
  RETURN_IF_ERROR(stmt.Bind(7, row.prompt_tokens));
  RETURN_IF_ERROR(stmt.Bind(8, row.cached_prompt_tokens));
  RETURN_IF_ERROR(stmt.Bind(9, row.generated_tokens));
  RETURN_IF_ERROR(stmt.Bind(10, row.ledger_json));
  RETURN_IF_ERROR(stmt.Bind(11, row.trace_json));
  RETURN_IF_ERROR(stmt.Bind(12, row.error));
  return stmt.Bind(13, row.prompt_content);
}

Status BindSource(Statement& stmt, const MessageSource& source) {
  RETURN_IF_ERROR(stmt.Bind(2, source.number));
  RETURN_IF_ERROR(stmt.Bind(3, source.chunk_id));
  RETURN_IF_ERROR(stmt.Bind(4, source.document_id));
  RETURN_IF_ERROR(stmt.Bind(5, source.document_name));
  RETURN_IF_ERROR(stmt.Bind(6, source.page_first));
  RETURN_IF_ERROR(stmt.Bind(7, source.page_last));
  RETURN_IF_ERROR(stmt.Bind(8, source.heading_path));
  RETURN_IF_ERROR(stmt.Bind(9, source.snippet));
  RETURN_IF_ERROR(stmt.BindDouble(10, source.score));
  RETURN_IF_ERROR(stmt.Bind(11, source.retrievers));
  RETURN_IF_ERROR(stmt.Bind(12, int64_t{source.in_prompt ? 1 : 0}));
  return stmt.Bind(13, JoinIds(source.chunk_ids));
}

}  // namespace

std::string_view MessageRoleName(MessageRole role) {
  return role == MessageRole::kAssistant ? "assistant" : "user";
}

StatusOr<int64_t> MessageTable::Append(const MessageRow& row) {
  RETURN_IF_ERROR(Validate(row));
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  // The workspace id comes from the thread, so the copy cannot disagree.
  ASSIGN_OR_RETURN(
      Statement insert,
      db_.Prepare("INSERT INTO messages (thread_id, workspace_id, role, content, created_at, "
                  "context_epoch, model, prompt_tokens, cached_prompt_tokens, "
                  "generated_tokens, ledger_json, trace_json, error, prompt_content) "
                  "SELECT ?1, workspace_id, ?2, ?3, CASE WHEN ?4 = 0 THEN " +
                  std::string(internal::kNowMillisSql) +
                  " ELSE ?4 END, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 FROM threads WHERE id = ?1"));
  RETURN_IF_ERROR(BindMessage(insert, row));
  RETURN_IF_ERROR(insert.Run());
  RETURN_IF_ERROR(internal::ExpectChanged(db_, internal::RowName("thread", row.thread_id)));
  const int64_t id = db_.LastInsertRowId();
  RETURN_IF_ERROR(InsertSources(id, row.sources));
  ASSIGN_OR_RETURN(Statement touch,
                   db_.Prepare("UPDATE threads SET updated_at = max(updated_at, "
                               "(SELECT created_at FROM messages WHERE id = ?2)) "
                               "WHERE id = ?1"));
  RETURN_IF_ERROR(touch.Bind(1, row.thread_id));
  RETURN_IF_ERROR(touch.Bind(2, id));
  RETURN_IF_ERROR(touch.Run());
  RETURN_IF_ERROR(transaction.Commit());
  return id;
}

Status MessageTable::InsertSources(int64_t message_id,
                                   const std::vector<MessageSource>& sources) {
  if (sources.empty()) return OkStatus();
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO message_sources (message_id, number, chunk_id, "
                               "document_id, document_name, page_first, page_last, "
                               "heading_path, snippet, score, retrievers, in_prompt, chunk_ids) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  RETURN_IF_ERROR(stmt.Bind(1, message_id));
  for (const MessageSource& source : sources) {
    RETURN_IF_ERROR(BindSource(stmt, source));
    RETURN_IF_ERROR(stmt.Run());
  }
  return OkStatus();
}

StatusOr<MessageRow> MessageTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM messages WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(std::vector<MessageRow> rows, ReadRows(stmt));
  if (rows.empty()) return NotFoundError(internal::RowName("message", id) + " does not exist");
  return std::move(rows.front());
}

StatusOr<std::vector<MessageRow>> MessageTable::ListByThread(int64_t thread_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM messages WHERE thread_id = ?1 "
                                               "ORDER BY id"));
  RETURN_IF_ERROR(stmt.Bind(1, thread_id));
  return ReadRows(stmt);
}

StatusOr<std::vector<MessageRow>> MessageTable::ListByWorkspace(int64_t workspace_id,
                                                                int64_t after_id,
                                                                int64_t limit) {
  if (limit < 1) {
    return InvalidArgumentError("limit " + std::to_string(limit) + " must be 1 or more");
  }
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM messages WHERE workspace_id = ?1 "
                                               "AND id > ?2 ORDER BY id LIMIT ?3"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, after_id));
  RETURN_IF_ERROR(stmt.Bind(3, limit));
  return ReadRows(stmt);
}

StatusOr<std::vector<MessageRow>> MessageTable::ReadRows(Statement& stmt) {
  std::vector<MessageRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  RETURN_IF_ERROR(LoadSources(rows));
  return rows;
}

Status MessageTable::LoadSources(std::vector<MessageRow>& rows) {
  if (rows.empty()) return OkStatus();
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT number, chunk_id, document_id, document_name, "
                               "page_first, page_last, heading_path, snippet, score, "
                               "retrievers, in_prompt, chunk_ids FROM message_sources "
                               "WHERE message_id = ?1 ORDER BY number"));
  for (MessageRow& row : rows) {
    stmt.Reset();
    RETURN_IF_ERROR(stmt.Bind(1, row.id));
    while (true) {
      ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) break;
      row.sources.push_back(ReadSource(stmt));
    }
  }
  return OkStatus();
}

StatusOr<int64_t> MessageTable::DeleteOlderThan(int64_t workspace_id, int64_t cutoff_ms) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement messages,
                   db_.Prepare("DELETE FROM messages WHERE workspace_id = ?1 "
                               "AND created_at < ?2"));
  RETURN_IF_ERROR(messages.Bind(1, workspace_id));
  RETURN_IF_ERROR(messages.Bind(2, cutoff_ms));
  RETURN_IF_ERROR(messages.Run());
  const int64_t deleted = db_.ChangedRows();
  ASSIGN_OR_RETURN(Statement threads,
                   db_.Prepare("DELETE FROM threads WHERE workspace_id = ?1 "
                               "AND updated_at < ?2 AND NOT EXISTS "
                               "(SELECT 1 FROM messages WHERE thread_id = threads.id)"));
  RETURN_IF_ERROR(threads.Bind(1, workspace_id));
  RETURN_IF_ERROR(threads.Bind(2, cutoff_ms));
  RETURN_IF_ERROR(threads.Run());
  RETURN_IF_ERROR(transaction.Commit());
  return deleted;
}

StatusOr<std::vector<int64_t>> MessageTable::ListSourceChunkIds(int64_t thread_id,
                                                                int64_t epoch) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT DISTINCT s.chunk_id FROM message_sources s "
                               "JOIN messages m ON m.id = s.message_id "
                               "WHERE m.thread_id = ?1 AND m.context_epoch = ?2 "
                               "AND s.in_prompt = 1 ORDER BY s.chunk_id"));
  RETURN_IF_ERROR(stmt.Bind(1, thread_id));
  RETURN_IF_ERROR(stmt.Bind(2, epoch));
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return ids;
    ids.push_back(stmt.ColumnInt(0));
  }
}

}  // namespace hearth
