// WorkspaceTable: typed access to the workspaces table.
//
// A workspace groups documents under one embedding model and one chunking
// setup, and holds the settings its chat threads answer with (model, retrieval
// depth, prompt, history, retention); its slug names it in URLs and on the
// command line.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   WorkspaceTable workspaces(db);
//   ASSIGN_OR_RETURN(int64_t id, workspaces.Create("notes", {.name = "Notes",
//                                                            .embedder = "nomic-embed-text"}));
//   ASSIGN_OR_RETURN(WorkspaceRow row, workspaces.GetBySlug("notes"));
#ifndef HEARTH_STORE_WORKSPACE_TABLE_H_
#define HEARTH_STORE_WORKSPACE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// How vectors are stored in the workspace's index.
enum class VectorType { kF16, kI8 };

// "f16" or "i8".
std::string_view VectorTypeName(VectorType type);

// How a workspace answers: kChat answers every message, from the model's
// own knowledge when no passage is relevant; kQuery answers only from the
// workspace's documents and replies with the refusal text when none is.
enum class ChatMode { kChat, kQuery };

// "chat" or "query".
std::string_view ChatModeName(ChatMode mode);

// The mode `name` ("chat" or "query") names; InvalidArgument otherwise.
StatusOr<ChatMode> ParseChatMode(std::string_view name);

// Inclusive bounds of the chat settings, checked by WorkspaceTable and shown
// in the HTTP layer's errors.
inline constexpr int64_t kMinTopK = 1;
inline constexpr int64_t kMaxTopK = 100;
inline constexpr int64_t kMinContextBudgetTokens = 100;
inline constexpr int64_t kMaxContextBudgetTokens = 131072;
inline constexpr double kMaxTemperature = 2.0;
inline constexpr int64_t kMaxHistoryMessages = 1000;
inline constexpr int64_t kMaxHistoryTokens = 131072;
inline constexpr int64_t kMaxRetentionDays = 36500;
inline constexpr size_t kMaxModelNameBytes = 512;       // embedder, chat_model, reranker
inline constexpr size_t kMaxSystemPromptBytes = 65536;
inline constexpr size_t kMaxRefusalTextBytes = 4096;

// The system prompt a new workspace starts with.
inline constexpr std::string_view kDefaultSystemPrompt =
    "You are a helpful assistant. Answer the question using the context passages given with "
    "it, and cite each passage you use as [n], where n is its number. If the context does not "
    "contain the answer, say so plainly instead of guessing.";

// What a kQuery workspace replies when no passage is relevant.
inline constexpr std::string_view kDefaultRefusalText =
    "There is no relevant information in this workspace to answer your query.";

// The user-editable part of a workspace. Ranges are inclusive; Create and
// Update refuse a value outside its range with InvalidArgument naming it.
struct WorkspaceSettings {
  std::string name;              // shown to users; 1..200 bytes of UTF-8
  std::string embedder;          // embedding model name; "" until one is chosen
  int64_t chunk_tokens = 400;    // 1..65536
  int64_t chunk_overlap_tokens = 60;  // 0 .. chunk_tokens-1
  VectorType vector_type = VectorType::kF16;

  // Chat (retrieval-augmented answers).
  std::string chat_model;        // model that answers; "" until one is chosen
  std::string reranker;          // reranking model; "" = no reranking
  ChatMode mode = ChatMode::kChat;
  int64_t top_k = 6;             // passages retrieved per question: 1..100
  double similarity_threshold = 0.0;  // vector/rerank score floor for a hit: 0..1
  int64_t context_budget_tokens = 3000;  // prompt tokens for passages: 100..131072
  double temperature = 0.7;      // sampling temperature: 0..2
  std::string system_prompt{kDefaultSystemPrompt};  // 0..65536 bytes of UTF-8
  int64_t history_messages = 20;  // earlier messages sent with a question: 0..1000
  int64_t history_tokens = 2000;  // token budget for those messages: 0..131072
  std::string refusal_text{kDefaultRefusalText};  // 0..4096 bytes of UTF-8
  int64_t retention_days = 0;    // messages older than this are deleted; 0 keeps
                                 // them forever; 0..36500

  // Access (multi-user mode): whether members with the default role may
  // upload, pin and delete documents (auth/access.h).
  bool members_can_upload = false;
};

struct WorkspaceRow {
  int64_t id = 0;
  std::string slug;
  WorkspaceSettings settings;
  int64_t created_at_ms = 0;  // unix milliseconds
  int64_t updated_at_ms = 0;
};

// OK when `slug` is 1..64 characters of [a-z0-9-]; InvalidArgument naming
// the slug and the rule otherwise.
Status ValidateWorkspaceSlug(std::string_view slug);

class WorkspaceTable {
 public:
  explicit WorkspaceTable(Database& db) : db_(db) {}

  // Creates a workspace and returns its id.
  // Errors: InvalidArgument for a bad slug or settings; AlreadyExists when
  // the slug is taken. Nothing is written on error.
  StatusOr<int64_t> Create(std::string_view slug, const WorkspaceSettings& settings);

  // Errors: NotFound.
  StatusOr<WorkspaceRow> Get(int64_t id);
  StatusOr<WorkspaceRow> GetBySlug(std::string_view slug);

  // All workspaces, ordered by slug.
  StatusOr<std::vector<WorkspaceRow>> List();

  // Replaces the settings of workspace `id`. Changing the embedder does not
  // touch chunks or indexes; the caller starts a reembed job.
  // Errors: InvalidArgument for bad settings; NotFound.
  Status Update(int64_t id, const WorkspaceSettings& settings);

  // Deletes the workspace with its documents, chunks and jobs, and its rows
  // in the index change log (the caller deletes its vector index files).
  // Errors: NotFound.
  Status Delete(int64_t id);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_WORKSPACE_TABLE_H_
