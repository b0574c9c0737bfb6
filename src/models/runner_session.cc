#include "models/runner_session.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "base/logging.h"
#include "base/unique_fd.h"
#include "base/status_macros.h"
#include "models/runner_socket.h"

namespace hearth {
namespace {

// Reads the connection while a request runs, so that a kCancel frame or the
// client going away cancels the request. The request thread only writes in
// the meantime, so reading here does not race with it.
class RequestWatch {
 public:
  RequestWatch(int fd, std::stop_token server_stop)
      : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
        server_stop_callback_(server_stop, [this] { request_stop_.request_stop(); }),
        // Without its wake-up eventfd (out of descriptors) the watch could
        // not be ended, so requests then run without one.
        thread_(wake_.valid() ? std::thread([this, fd] { Watch(fd); }) : std::thread()) {}

  // Stops watching (the request is over). Idempotent.
  void Finish() {
    if (!thread_.joinable()) return;
    const uint64_t one = 1;
    if (::write(wake_.get(), &one, sizeof one) < 0) {
      // Only fails when the counter is already nonzero: the thread is awake.
    }
    thread_.join();
  }
  ~RequestWatch() { Finish(); }

  std::stop_token token() const { return request_stop_.get_token(); }
  // True when the connection must close after this request (peer gone, or
  // it sent something other than kCancel mid-request).
  bool connection_over() const { return connection_over_; }

 private:
  // Until Finish(): waits for the connection to have something to read. A
  // kCancel frame stops the request; anything else (an end of stream, an
  // error, another frame) stops it and ends the connection.
  void Watch(int fd) {
    pollfd entries[2] = {{fd, POLLIN | POLLRDHUP, 0}, {wake_.get(), POLLIN, 0}};
    while (!connection_over_) {
      int ready = ::poll(entries, 2, -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready > 0 && entries[1].revents != 0) return;  // Finish()
      StatusOr<std::optional<Frame>> frame =
          ready > 0 ? ReadFrame(fd) : StatusOr<std::optional<Frame>>(InternalError("poll failed"));
      const bool cancel = frame.ok() && *frame && (*frame)->type == FrameType::kCancel;
      if (!cancel) connection_over_ = true;
      request_stop_.request_stop();
    }
  }

  UniqueFd wake_;  // an eventfd: Finish() makes it readable
  std::stop_source request_stop_;
  std::stop_callback<std::function<void()>> server_stop_callback_;
  std::atomic<bool> connection_over_{false};
  std::thread thread_;  // last: starts after the members it uses exist
};

Status UnexpectedFrame(FrameType type) {
  return InvalidArgumentError("a runner does not accept '" + std::string(FrameTypeName(type)) +
                              "' frames; send a request (generate, embed, rerank, tokenize, "
                              "detokenize, stats)");
}

}  // namespace

void RunnerSession::Run() {
  while (!server_stop_.stop_requested()) {
    StatusOr<std::optional<Frame>> frame = ReadFrame(fd_);
    if (!frame.ok()) {
      if (frame.status().code() == StatusCode::kInvalidArgument) {
        HEARTH_LOG(WARNING) << "closing a runner connection: " << frame.status();
        WriteFrame(fd_, {FrameType::kError, 0, EncodeError(frame.status())}).IgnoreError();
      }
      return;
    }
    if (!frame->has_value()) return;  // the client closed the connection
    // A cancel that arrives after its request finished has nothing to cancel.
    if ((*frame)->type == FrameType::kCancel) continue;
    if (!Serve(**frame)) return;
  }
}

bool RunnerSession::Serve(const Frame& request) {
  RequestWatch watch(fd_, server_stop_);
  StatusOr<Reply> reply = Answer(request, watch.token());
  watch.Finish();
  if (watch.connection_over()) return false;
  return SendFinal(request.request_id, std::move(reply));
}

bool RunnerSession::SendFinal(uint64_t request_id, StatusOr<Reply> reply) {
  if (reply.ok()) {
    Status size = CheckPayloadSize(FrameTypeName(reply->type), reply->payload.size());
    if (!size.ok()) reply = InvalidArgumentError(size.message() + "; send a smaller batch");
  }
  Frame frame = reply.ok() ? Frame{reply->type, request_id, std::move(reply->payload)}
                           : Frame{FrameType::kError, request_id, EncodeError(reply.status())};
  return WriteFrame(fd_, frame).ok();
}

StatusOr<RunnerSession::Reply> RunnerSession::Answer(const Frame& request, std::stop_token stop) {
  switch (request.type) {
    case FrameType::kGenerate: return AnswerGenerate(request, stop);
    case FrameType::kEmbed: return AnswerEmbed(request, stop);
    case FrameType::kRerank: return AnswerRerank(request, stop);
    case FrameType::kTokenize: return AnswerTokenize(request);
    case FrameType::kDetokenize: return AnswerDetokenize(request);
    case FrameType::kStats: return AnswerStats(request);
    default: return UnexpectedFrame(request.type);
  }
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerGenerate(const Frame& request,
                                                             std::stop_token stop) {
  ASSIGN_OR_RETURN(GenerateRequest generate, DecodeGenerateRequest(request.payload));
  const uint64_t id = request.request_id;
  auto send_piece = [this, id](const GeneratePiece& piece) {
    return WriteFrame(fd_, {FrameType::kPiece, id, EncodeGeneratePiece(piece)}).ok();
  };
  ASSIGN_OR_RETURN(GenerateResult result, backend_.Generate(generate, send_piece, stop));
  return Reply{FrameType::kGenerateResult, EncodeGenerateResult(result)};
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerEmbed(const Frame& request,
                                                          std::stop_token stop) {
  ASSIGN_OR_RETURN(EmbedRequest embed, DecodeEmbedRequest(request.payload));
  ASSIGN_OR_RETURN(EmbedResult result, backend_.Embed(embed, stop));
  return Reply{FrameType::kEmbedResult, EncodeEmbedResult(result)};
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerRerank(const Frame& request,
                                                           std::stop_token stop) {
  ASSIGN_OR_RETURN(RerankRequest rerank, DecodeRerankRequest(request.payload));
  ASSIGN_OR_RETURN(RerankResult result, backend_.Rerank(rerank, stop));
  return Reply{FrameType::kRerankResult, EncodeRerankResult(result)};
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerTokenize(const Frame& request) {
  ASSIGN_OR_RETURN(TokenizeRequest tokenize, DecodeTokenizeRequest(request.payload));
  ASSIGN_OR_RETURN(std::vector<int32_t> tokens,
                   backend_.Tokenize(tokenize.text, tokenize.add_special));
  return Reply{FrameType::kTokens, EncodeTokens(tokens)};
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerDetokenize(const Frame& request) {
  ASSIGN_OR_RETURN(std::vector<int32_t> tokens, DecodeTokens(request.payload));
  ASSIGN_OR_RETURN(std::string text, backend_.Detokenize(tokens));
  return Reply{FrameType::kText, EncodeText(text)};
}

StatusOr<RunnerSession::Reply> RunnerSession::AnswerStats(const Frame& request) {
  RETURN_IF_ERROR(DecodeEmpty("stats", request.payload));
  ASSIGN_OR_RETURN(InferenceStats stats, backend_.Stats());
  return Reply{FrameType::kStatsResult, EncodeStats(stats)};
}

}  // namespace hearth
