// A client of a running `hearth serve`, for the CLI verbs that talk to the
// server instead of the data directory (`hearth ps`, `hearth stop`): it
// speaks the same HTTP API as any other client, and returns plain structs.
//
// Thread-safety: the functions are thread-safe; each call makes its own
// connection.
#ifndef HEARTH_SERVER_API_CLIENT_H_
#define HEARTH_SERVER_API_CLIENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace hearth {

struct ServerAddress {
  std::string host = "127.0.0.1";
  int port = 11434;
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

}  // namespace hearth

#endif  // HEARTH_SERVER_API_CLIENT_H_
