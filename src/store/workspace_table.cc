#include "store/workspace_table.h"

#include <cstdio>
#include <iterator>

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

constexpr size_t kMaxSlugLength = 64;
constexpr size_t kMaxNameBytes = 200;
constexpr int64_t kMaxChunkTokens = 65536;

constexpr std::string_view kColumns =
    "id, slug, name, embedder, chunk_tokens, chunk_overlap_tokens, vector_type, created_at, "
    "updated_at, chat_model, reranker, mode, top_k, similarity_threshold, "
    "context_budget_tokens, temperature, system_prompt, history_messages, history_tokens, "
    "refusal_text, retention_days, members_can_upload";

// The settings columns, in the order BindSettings binds them from ?2.
constexpr std::string_view kSettingColumns[] = {
    "name",          "embedder",         "chunk_tokens",   "chunk_overlap_tokens",
    "vector_type",   "chat_model",       "reranker",       "mode",
    "top_k",         "similarity_threshold",               "context_budget_tokens",
    "temperature",   "system_prompt",    "history_messages", "history_tokens",
    "refusal_text",  "retention_days",   "members_can_upload"};

bool IsSlugCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

Status CheckRange(std::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return OkStatus();
  return InvalidArgumentError(std::string(field) + " " + std::to_string(value) +
                              " is outside " + std::to_string(min) + ".." +
                              std::to_string(max));
}

std::string FormatDouble(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// Written so that NaN fails too.
Status CheckRange(std::string_view field, double value, double min, double max) {
  if (value >= min && value <= max) return OkStatus();
  return InvalidArgumentError(std::string(field) + " " + FormatDouble(value) + " is outside " +
                              FormatDouble(min) + ".." + FormatDouble(max));
}

Status ValidateChatSettings(const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(internal::CheckText("chat_model", settings.chat_model, kMaxModelNameBytes));
  RETURN_IF_ERROR(internal::CheckText("reranker", settings.reranker, kMaxModelNameBytes));
  RETURN_IF_ERROR(CheckRange("top_k", settings.top_k, kMinTopK, kMaxTopK));
  RETURN_IF_ERROR(
      CheckRange("similarity_threshold", settings.similarity_threshold, 0.0, 1.0));
  RETURN_IF_ERROR(CheckRange("context_budget_tokens", settings.context_budget_tokens,
                             kMinContextBudgetTokens, kMaxContextBudgetTokens));
  RETURN_IF_ERROR(CheckRange("temperature", settings.temperature, 0.0, kMaxTemperature));
  RETURN_IF_ERROR(
      internal::CheckText("system_prompt", settings.system_prompt, kMaxSystemPromptBytes));
  RETURN_IF_ERROR(
      CheckRange("history_messages", settings.history_messages, 0, kMaxHistoryMessages));
  RETURN_IF_ERROR(CheckRange("history_tokens", settings.history_tokens, 0, kMaxHistoryTokens));
  RETURN_IF_ERROR(
      internal::CheckText("refusal_text", settings.refusal_text, kMaxRefusalTextBytes));
  return CheckRange("retention_days", settings.retention_days, 0, kMaxRetentionDays);
}

Status ValidateSettings(const WorkspaceSettings& settings) {
  if (settings.name.empty()) return InvalidArgumentError("workspace name is empty");
  RETURN_IF_ERROR(internal::CheckText("workspace name", settings.name, kMaxNameBytes));
  RETURN_IF_ERROR(internal::CheckText("embedder", settings.embedder, kMaxModelNameBytes));
  RETURN_IF_ERROR(CheckRange("chunk_tokens", settings.chunk_tokens, 1, kMaxChunkTokens));
  if (settings.chunk_overlap_tokens < 0 ||
      settings.chunk_overlap_tokens >= settings.chunk_tokens) {
    return InvalidArgumentError("chunk_overlap_tokens " +
                                std::to_string(settings.chunk_overlap_tokens) +
                                " must be at least 0 and less than chunk_tokens " +
                                std::to_string(settings.chunk_tokens));
  }
  return ValidateChatSettings(settings);
}

WorkspaceRow ReadRow(const Statement& stmt) {
  WorkspaceRow row;
  row.id = stmt.ColumnInt(0);
  row.slug = stmt.ColumnText(1);
  row.settings.name = stmt.ColumnText(2);
  row.settings.embedder = stmt.ColumnText(3);
  row.settings.chunk_tokens = stmt.ColumnInt(4);
  row.settings.chunk_overlap_tokens = stmt.ColumnInt(5);
  row.settings.vector_type = stmt.ColumnText(6) == "i8" ? VectorType::kI8 : VectorType::kF16;
  row.created_at_ms = stmt.ColumnInt(7);
  row.updated_at_ms = stmt.ColumnInt(8);
  WorkspaceSettings& chat = row.settings;
  chat.chat_model = stmt.ColumnText(9);
  chat.reranker = stmt.ColumnText(10);
  chat.mode = stmt.ColumnText(11) == "query" ? ChatMode::kQuery : ChatMode::kChat;
  chat.top_k = stmt.ColumnInt(12);
  chat.similarity_threshold = stmt.ColumnDouble(13);
  chat.context_budget_tokens = stmt.ColumnInt(14);
  chat.temperature = stmt.ColumnDouble(15);
  chat.system_prompt = stmt.ColumnText(16);
  chat.history_messages = stmt.ColumnInt(17);
  chat.history_tokens = stmt.ColumnInt(18);
  chat.refusal_text = stmt.ColumnText(19);
  chat.retention_days = stmt.ColumnInt(20);
  row.settings.members_can_upload = stmt.ColumnInt(21) != 0;
  return row;
}

Status BindSettings(Statement& stmt, const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(stmt.Bind(2, settings.name));
  RETURN_IF_ERROR(stmt.Bind(3, settings.embedder));
  RETURN_IF_ERROR(stmt.Bind(4, settings.chunk_tokens));
  RETURN_IF_ERROR(stmt.Bind(5, settings.chunk_overlap_tokens));
  RETURN_IF_ERROR(stmt.Bind(6, VectorTypeName(settings.vector_type)));
  RETURN_IF_ERROR(stmt.Bind(7, settings.chat_model));
  RETURN_IF_ERROR(stmt.Bind(8, settings.reranker));
  RETURN_IF_ERROR(stmt.Bind(9, ChatModeName(settings.mode)));
  RETURN_IF_ERROR(stmt.Bind(10, settings.top_k));
  RETURN_IF_ERROR(stmt.BindDouble(11, settings.similarity_threshold));
  RETURN_IF_ERROR(stmt.Bind(12, settings.context_budget_tokens));
  RETURN_IF_ERROR(stmt.BindDouble(13, settings.temperature));
  RETURN_IF_ERROR(stmt.Bind(14, settings.system_prompt));
  RETURN_IF_ERROR(stmt.Bind(15, settings.history_messages));
  RETURN_IF_ERROR(stmt.Bind(16, settings.history_tokens));
  RETURN_IF_ERROR(stmt.Bind(17, settings.refusal_text));
  RETURN_IF_ERROR(stmt.Bind(18, settings.retention_days));
  return stmt.Bind(19, int64_t{settings.members_can_upload ? 1 : 0});
}

// "INSERT INTO workspaces (slug, <settings>, created_at, updated_at) VALUES (?1, ...)".
std::string InsertSql() {
  std::string columns = "slug";
  std::string values = "?1";
  for (size_t i = 0; i < std::size(kSettingColumns); ++i) {
    columns += ", " + std::string(kSettingColumns[i]);
    values += ", ?" + std::to_string(i + 2);
  }
  const std::string now(internal::kNowMillisSql);
  return "INSERT INTO workspaces (" + columns + ", created_at, updated_at) VALUES (" + values +
         ", " + now + ", " + now + ")";
}

// "UPDATE workspaces SET <setting> = ?2, ..., updated_at = now WHERE id = ?1".
std::string UpdateSql() {
  std::string sql = "UPDATE workspaces SET ";
  for (size_t i = 0; i < std::size(kSettingColumns); ++i) {
    sql += std::string(kSettingColumns[i]) + " = ?" + std::to_string(i + 2) + ", ";
  }
  return sql + "updated_at = " + std::string(internal::kNowMillisSql) + " WHERE id = ?1";
}

StatusOr<WorkspaceRow> SingleRow(Statement& stmt, std::string_view what) {
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(std::string(what) + " does not exist");
  return ReadRow(stmt);
}

}  // namespace

std::string_view VectorTypeName(VectorType type) {
  return type == VectorType::kI8 ? "i8" : "f16";
}

std::string_view ChatModeName(ChatMode mode) {
  return mode == ChatMode::kQuery ? "query" : "chat";
}

StatusOr<ChatMode> ParseChatMode(std::string_view name) {
  if (name == "chat") return ChatMode::kChat;
  if (name == "query") return ChatMode::kQuery;
  std::string shown(name.substr(0, 64));
  for (char& c : shown) {
    if (c == '\0') c = '?';
  }
  return InvalidArgumentError("mode '" + shown + "' must be \"chat\" or \"query\"");
}

Status ValidateWorkspaceSlug(std::string_view slug) {
  bool valid = !slug.empty() && slug.size() <= kMaxSlugLength;
  for (char c : slug) valid = valid && IsSlugCharacter(c);
  if (valid) return OkStatus();
  std::string shown(slug.substr(0, kMaxSlugLength));
  for (char& c : shown) {
    if (c == '\0') c = '?';
  }
  return InvalidArgumentError("workspace slug '" + shown +
                              "' must be 1 to 64 characters of a-z, 0-9 and '-'");
}

StatusOr<int64_t> WorkspaceTable::Create(std::string_view slug,
                                         const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(ValidateWorkspaceSlug(slug));
  RETURN_IF_ERROR(ValidateSettings(settings));
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(InsertSql()));
  RETURN_IF_ERROR(stmt.Bind(1, slug));
  RETURN_IF_ERROR(BindSettings(stmt, settings));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("a workspace with slug '" + std::string(slug) +
                              "' already exists; choose another slug");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<WorkspaceRow> WorkspaceTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  return SingleRow(stmt, internal::RowName("workspace", id));
}

StatusOr<WorkspaceRow> WorkspaceTable::GetBySlug(std::string_view slug) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces WHERE slug = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, slug));
  return SingleRow(stmt, "workspace '" + std::string(slug) + "'");
}

StatusOr<std::vector<WorkspaceRow>> WorkspaceTable::List() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces ORDER BY slug"));
  std::vector<WorkspaceRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  return rows;
}

Status WorkspaceTable::Update(int64_t id, const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(UpdateSql()));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(BindSettings(stmt, settings));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("workspace", id));
}

Status WorkspaceTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement remove, db_.Prepare("DELETE FROM workspaces WHERE id = ?1"));
  RETURN_IF_ERROR(remove.Bind(1, id));
  RETURN_IF_ERROR(remove.Run());
  RETURN_IF_ERROR(internal::ExpectChanged(db_, internal::RowName("workspace", id)));
  // After the cascade, whose chunk triggers appended 'remove' rows.
  ASSIGN_OR_RETURN(Statement forget,
                   db_.Prepare("DELETE FROM index_changes WHERE workspace_id = ?1"));
  RETURN_IF_ERROR(forget.Bind(1, id));
  RETURN_IF_ERROR(forget.Run());
  return transaction.Commit();
}

}  // namespace hearth
