// RunnerChannel: the InferenceBackend interface spoken over a runner's Unix
// socket (models/runner_protocol.h), without owning the runner process.
// RunnerClient (models/runner_client.h) wraps it with the process; tests use
// it directly against an in-process RunnerServer.
//
// Every call opens its own connection, so calls run concurrently and closing
// a connection is a cancellation the runner notices. A call's stop token is
// checked while waiting for the runner (every 50 ms): once it fires, the
// channel sends kCancel and waits up to `cancel_grace` for the runner to end
// the request, then returns Cancelled. Generate's callback returning false
// does the same.
//
// When the connection fails in the middle of a call (the runner died or
// closed it) or no runner listens, the call returns what `describe_loss`
// makes of the failure (by default the Unavailable error itself), so the
// owner of the process can name the exit ("was killed by signal 9").
//
// Thread-safety: thread-safe.
#ifndef HEARTH_MODELS_RUNNER_CHANNEL_H_
#define HEARTH_MODELS_RUNNER_CHANNEL_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "base/status.h"
#include "base/unique_fd.h"
#include "models/inference.h"
#include "models/runner_protocol.h"

namespace hearth {

struct RunnerChannelOptions {
  // The runner's socket.
  std::filesystem::path socket_path;
  // After a cancellation, how long to wait for the runner to confirm that
  // the request ended before dropping the connection.
  std::chrono::milliseconds cancel_grace{5000};
  // Maps a lost connection (an Unavailable status) to the error the caller
  // gets; `during_request` is false when no connection could be made.
  // Called on the calling thread; empty = return the status as it is.
  std::function<Status(const Status& cause, bool during_request)> describe_loss = nullptr;
};

class RunnerChannel : public InferenceBackend {
 public:
  explicit RunnerChannel(RunnerChannelOptions options) : options_(std::move(options)) {}

  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override;
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) override;
  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) override;
  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override;
  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override;
  StatusOr<InferenceStats> Stats() override;

 private:
  // Receives a kPiece frame's payload; false asks the runner to stop.
  using PieceSink = std::function<bool(const std::string& payload)>;

  // Sends one request and returns the payload of its final frame, which must
  // be of type `expected` (a kError frame becomes its Status).
  StatusOr<std::string> Call(FrameType type, std::string payload, FrameType expected,
                             std::stop_token stop, const PieceSink& on_piece = nullptr);
  // Reads frames of request `id` until the final one.
  StatusOr<Frame> Exchange(int fd, uint64_t id, std::stop_token stop, const PieceSink& on_piece);
  Status Lost(const Status& cause, bool during_request) const;

  const RunnerChannelOptions options_;
  std::atomic<uint64_t> next_request_id_{1};
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_CHANNEL_H_
