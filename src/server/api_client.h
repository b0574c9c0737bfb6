// A client of a running `hearth serve`, for the CLI verbs that talk to the
// server instead of the data directory (`hearth ps`, `hearth stop`): it
// speaks the same HTTP API as any other client, and returns plain structs.
//
// Thread-safety: the functions are thread-safe; each call makes its own
// connection.
#ifndef HEARTH_SERVER_API_CLIENT_H_
#define HEARTH_SERVER_API_CLIENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hearth {

struct ServerAddress {
  std::string host = "127.0.0.1";
  int port = 11434;
  // Sent as "Authorization: Bearer <key>" when not empty (multi-user mode).
  std::string api_key;
};

// One row of /api/ps.
struct RunningModel {
  std::string name;
  uint64_t size = 0;
  bool size_measured = false;
  int64_t context_length = 0;
  int64_t slots = 0;
  std::string kv_cache_type;
  bool pinned = false;
  int64_t active_requests = 0;
  std::string expires_at;  // RFC 3339; "0001-01-01T00:00:00Z" = never
  std::string loaded_at;
  std::string load_reason;
};

struct RunningModels {
  std::vector<RunningModel> models;
  uint64_t memory_budget = 0;
  uint64_t memory_used = 0;
};

// GET /api/ps. Errors: Unavailable when no server answers at `address`
// ("is 'hearth serve' running?"), the server's error otherwise.
StatusOr<RunningModels> FetchRunningModels(const ServerAddress& address);

// Asks the server to unload `model` (Ollama's keep_alive 0). Errors as
// above; FailedPrecondition for a pinned model.
Status StopModel(const ServerAddress& address, const std::string& model);

struct ChatTurnMessage {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

struct ChatTurnRequest {
  std::string model;
  std::vector<ChatTurnMessage> messages;
  // Ollama's keep_alive ("5m", "-1", "0"); nullopt: the server's default.
  std::optional<std::string> keep_alive;
};

struct ChatTurnResult {
  std::string content;       // the assistant's whole answer
  std::string done_reason;   // "stop", "length"; empty when cancelled
  int64_t prompt_tokens = 0;
  int64_t generated_tokens = 0;
  int64_t prompt_eval_ns = 0;
  int64_t eval_ns = 0;
  int64_t total_ns = 0;
  int64_t load_ns = 0;
};

// Returns false to stop the answer (the connection closes, which cancels the
// generation on the server).
using ChatPieceCallback = std::function<bool(std::string_view piece)>;

// POST /api/chat, streamed: `on_piece` gets the answer as it is generated.
// Errors: as FetchRunningModels; NotFound for a model that is not installed;
// Cancelled when `on_piece` returned false; an error line in the stream
// becomes an Internal (or the server's) error with its message.
StatusOr<ChatTurnResult> StreamChat(const ServerAddress& address, const ChatTurnRequest& request,
                                    const ChatPieceCallback& on_piece);

// --- Workspaces and ingestion (/api/v1) ---

struct WorkspaceInfo {
  int64_t id = 0;
  std::string slug;
  std::string name;
  std::string embedder;
};

// GET /api/v1/workspaces/{slug}. Errors: NotFound for an unknown workspace.
StatusOr<WorkspaceInfo> FetchWorkspace(const ServerAddress& address, const std::string& slug);

// POST /api/v1/workspaces. Errors: AlreadyExists, InvalidArgument.
StatusOr<WorkspaceInfo> CreateWorkspace(const ServerAddress& address, const std::string& slug,
                                        const std::string& embedder);

struct UploadFile {
  std::string name;     // the file name the server records
  std::string content;  // the bytes
};

struct UploadOutcome {
  std::string name;
  int64_t document_id = 0;
  int64_t job_id = 0;  // 0: not queued (duplicate or refused)
  bool duplicate = false;
  std::string error;  // why the server refused this file; "" otherwise
};

// POST /api/v1/workspaces/{slug}/documents (multipart): one outcome per file.
StatusOr<std::vector<UploadOutcome>> UploadDocuments(const ServerAddress& address,
                                                     const std::string& slug,
                                                     const std::vector<UploadFile>& files);

struct JobInfo {
  int64_t id = 0;
  std::string state;  // queued, running, done, failed, cancelled
  int64_t pages_done = 0;
  int64_t chunks_total = 0;
  int64_t chunks_done = 0;
  std::string error;

  bool finished() const { return state == "done" || state == "failed" || state == "cancelled"; }
};

// GET /api/v1/jobs/{id}.
StatusOr<JobInfo> FetchJob(const ServerAddress& address, int64_t id);

// --- Asking a workspace (/api/v1/workspaces/{slug}/chat) ---

struct AskRequest {
  std::string workspace;         // slug
  std::string question;
  std::optional<int64_t> thread;  // continue this thread; none: a new one
  std::string mode;               // "chat", "query", or "" for the workspace's
};

struct AskSource {
  int64_t number = 0;
  std::string document;
  int64_t page_first = 0;  // 0: no pages
  int64_t page_last = 0;
  std::string heading;
  bool cited = false;      // the answer cites [number]
  bool in_prompt = true;   // false: already in the thread, cited again
};

struct AskResult {
  int64_t thread = 0;
  std::string answer;
  bool refused = false;
  std::string model;
  std::vector<AskSource> sources;
  // The trace's stages in the server's order: ("retrieval_ms", 12.5), ...
  std::vector<std::pair<std::string, double>> trace;
  int64_t prompt_tokens = 0;
  int64_t cached_prompt_tokens = 0;
  int64_t generated_tokens = 0;
  std::string note;  // e.g. "lexical only: ..."
};

// Asks, streaming the answer to `on_piece`. Errors: as StreamChat (NotFound
// for an unknown workspace or thread, FailedPrecondition for a workspace
// without a chat model, ...).
StatusOr<AskResult> AskWorkspace(const ServerAddress& address, const AskRequest& request,
                                 const ChatPieceCallback& on_piece);

}  // namespace hearth

#endif  // HEARTH_SERVER_API_CLIENT_H_
