// RunnerSession: the runner's side of one client connection (the protocol is
// in models/runner_protocol.h). Internal to RunnerServer; separate so that its
// request handling can be read (and tested through the server) on its own.
//
// A session reads one request, calls the InferenceBackend, streams pieces and
// writes the final frame, then reads the next request. While a request runs,
// a watcher thread reads the connection: a kCancel frame, the peer closing
// the connection, or the server stopping cancels the request through its
// stop token. A request that cannot be decoded is answered with kError and
// the connection stays usable; a garbled frame header is answered with kError
// and the connection is closed (the stream can no longer be framed).
//
// Thread-safety: owned by the connection's thread.
#ifndef HEARTH_MODELS_RUNNER_SESSION_H_
#define HEARTH_MODELS_RUNNER_SESSION_H_

#include <stop_token>
#include <string>

#include "base/status.h"
#include "models/inference.h"
#include "models/runner_protocol.h"

namespace hearth {

class RunnerSession {
 public:
  // Serves the connection `fd` (borrowed; the caller closes it afterwards)
  // with `backend` (borrowed) until the peer closes it, the framing breaks,
  // or `server_stop` fires.
  RunnerSession(int fd, InferenceBackend& backend, std::stop_token server_stop)
      : fd_(fd), backend_(backend), server_stop_(std::move(server_stop)) {}

  RunnerSession(const RunnerSession&) = delete;
  RunnerSession& operator=(const RunnerSession&) = delete;

  void Run();

 private:
  struct Reply {
    FrameType type;
    std::string payload;
  };

  // Serves one request; false when the connection must close afterwards.
  bool Serve(const Frame& request);
  // The final frame's type and payload, or the error to send instead.
  StatusOr<Reply> Answer(const Frame& request, std::stop_token stop);
  StatusOr<Reply> AnswerGenerate(const Frame& request, std::stop_token stop);
  StatusOr<Reply> AnswerEmbed(const Frame& request, std::stop_token stop);
  StatusOr<Reply> AnswerRerank(const Frame& request, std::stop_token stop);
  StatusOr<Reply> AnswerTokenize(const Frame& request);
  StatusOr<Reply> AnswerDetokenize(const Frame& request);
  StatusOr<Reply> AnswerStats(const Frame& request);
  // Writes the final frame; false if the connection failed.
  bool SendFinal(uint64_t request_id, StatusOr<Reply> reply);

  const int fd_;
  InferenceBackend& backend_;
  const std::stop_token server_stop_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_SESSION_H_
