#include "models/runner_channel.h"

#include <optional>

#include "base/status_macros.h"
#include "models/runner_socket.h"

namespace hearth {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How often a waiting call looks at its stop token.
constexpr std::chrono::milliseconds kStopPollInterval = 50ms;

// A reply the runner should never send is the runner's fault, not the
// caller's: Internal, whatever the decoder said.
Status MalformedReply(const Status& status) {
  return InternalError("the runner sent a malformed reply: " + status.message());
}

template <typename T>
StatusOr<T> DecodeReply(StatusOr<T> decoded) {
  if (!decoded.ok()) return MalformedReply(decoded.status());
  return decoded;
}

}  // namespace

Status RunnerChannel::Lost(const Status& cause, bool during_request) const {
  return options_.describe_loss ? options_.describe_loss(cause, during_request) : cause;
}

StatusOr<std::string> RunnerChannel::Call(FrameType type, std::string payload, FrameType expected,
                                          std::stop_token stop, const PieceSink& on_piece) {
  if (stop.stop_requested()) return CancelledError("the request was cancelled before it started");
  RETURN_IF_ERROR(CheckPayloadSize(FrameTypeName(type), payload.size()));
  StatusOr<UniqueFd> fd = ConnectUnixSocket(options_.socket_path);
  if (!fd.ok()) {
    return fd.status().code() == StatusCode::kUnavailable ? Lost(fd.status(), false) : fd.status();
  }
  const uint64_t id = next_request_id_++;
  if (Status sent = WriteFrame(fd->get(), {type, id, std::move(payload)}); !sent.ok()) {
    return Lost(sent, true);
  }
  ASSIGN_OR_RETURN(Frame reply, Exchange(fd->get(), id, stop, on_piece));
  if (reply.type == FrameType::kError) {
    Status error = DecodeError(reply.payload);
    return error.code() == StatusCode::kInvalidArgument && reply.request_id != id
               ? MalformedReply(error)
               : error;
  }
  if (reply.type != expected) {
    return MalformedReply(InvalidArgumentError("a '" + std::string(FrameTypeName(reply.type)) +
                                               "' frame answered a '" +
                                               std::string(FrameTypeName(type)) + "' request"));
  }
  return std::move(reply.payload);
}

StatusOr<Frame> RunnerChannel::Exchange(int fd, uint64_t id, std::stop_token stop,
                                        const PieceSink& on_piece) {
  std::optional<Clock::time_point> cancel_deadline;
  auto cancel = [&] {
    if (cancel_deadline) return;
    cancel_deadline = Clock::now() + options_.cancel_grace;
    // If this fails the runner is gone, which the next read reports.
    WriteFrame(fd, {FrameType::kCancel, id, ""}).IgnoreError();
  };
  while (true) {
    if (stop.stop_requested()) cancel();
    if (cancel_deadline && Clock::now() >= *cancel_deadline) {
      return CancelledError("the request was cancelled; the runner did not confirm within " +
                            std::to_string(options_.cancel_grace.count()) + " ms");
    }
    StatusOr<bool> readable = WaitReadable(fd, kStopPollInterval);
    if (!readable.ok()) return Lost(readable.status(), true);
    if (!*readable) continue;
    StatusOr<std::optional<Frame>> frame = ReadFrame(fd);
    if (!frame.ok()) {
      return frame.status().code() == StatusCode::kInvalidArgument ? MalformedReply(frame.status())
                                                                   : Lost(frame.status(), true);
    }
    if (!*frame) return Lost(UnavailableError("the runner closed the connection"), true);
    Frame reply = std::move(**frame);
    // Errors about the stream itself (a refused connection) carry id 0.
    if (reply.request_id != id && !(reply.type == FrameType::kError && reply.request_id == 0)) {
      return MalformedReply(InvalidArgumentError(
          "a frame for request " + std::to_string(reply.request_id) + " answered request " +
          std::to_string(id)));
    }
    if (reply.type != FrameType::kPiece) return reply;
    if (!on_piece) return MalformedReply(InvalidArgumentError("a piece for a request that does not stream"));
    if (!cancel_deadline && !on_piece(reply.payload)) cancel();
  }
}

StatusOr<GenerateResult> RunnerChannel::Generate(const GenerateRequest& request,
                                                 const PieceCallback& on_piece,
                                                 std::stop_token stop) {
  Status bad_piece;
  bool stopped_by_callback = false;
  auto sink = [&](const std::string& payload) {
    StatusOr<GeneratePiece> piece = DecodeGeneratePiece(payload);
    if (!piece.ok()) {
      bad_piece = MalformedReply(piece.status());
      return false;
    }
    if (on_piece && !on_piece(*piece)) {
      stopped_by_callback = true;
      return false;
    }
    return true;
  };
  StatusOr<std::string> payload = Call(FrameType::kGenerate, EncodeGenerateRequest(request),
                                       FrameType::kGenerateResult, stop, sink);
  if (!bad_piece.ok()) return bad_piece;
  if (stopped_by_callback && (payload.ok() || payload.status().code() == StatusCode::kCancelled)) {
    return CancelledError("generation was stopped by the caller");
  }
  if (!payload.ok()) return payload.status();
  return DecodeReply(DecodeGenerateResult(*payload));
}

StatusOr<EmbedResult> RunnerChannel::Embed(const EmbedRequest& request, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::string payload, Call(FrameType::kEmbed, EncodeEmbedRequest(request),
                                             FrameType::kEmbedResult, stop));
  return DecodeReply(DecodeEmbedResult(payload));
}

StatusOr<RerankResult> RunnerChannel::Rerank(const RerankRequest& request, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::string payload, Call(FrameType::kRerank, EncodeRerankRequest(request),
                                             FrameType::kRerankResult, stop));
  return DecodeReply(DecodeRerankResult(payload));
}

StatusOr<std::vector<int32_t>> RunnerChannel::Tokenize(const std::string& text, bool add_special) {
  ASSIGN_OR_RETURN(std::string payload,
                   Call(FrameType::kTokenize, EncodeTokenizeRequest({text, add_special}),
                        FrameType::kTokens, {}));
  return DecodeReply(DecodeTokens(payload));
}

StatusOr<std::string> RunnerChannel::Detokenize(const std::vector<int32_t>& tokens) {
  ASSIGN_OR_RETURN(std::string payload,
                   Call(FrameType::kDetokenize, EncodeTokens(tokens), FrameType::kText, {}));
  return DecodeReply(DecodeText(payload));
}

StatusOr<InferenceStats> RunnerChannel::Stats() {
  ASSIGN_OR_RETURN(std::string payload,
                   Call(FrameType::kStats, std::string(), FrameType::kStatsResult, {}));
  return DecodeReply(DecodeStats(payload));
}

}  // namespace hearth
