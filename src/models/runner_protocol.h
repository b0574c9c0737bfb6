// The runner protocol: how `hearth serve` (RunnerClient) and a `hearth
// runner` child (RunnerServer) talk over a Unix stream socket.
//
// Everything is a frame: a fixed 20-byte header, then the payload.
//
//   offset size  field
//   0      4     magic "HRN1"
//   4      1     type (FrameType)
//   5      3     reserved, zero
//   8      4     payload length (u32, at most kMaxFramePayload)
//   12     8     request id (u64; a response carries its request's id)
//
// All integers are little-endian; payloads are encoded with WireWriter
// (models/runner_wire.h). A connection carries one request at a time: the
// client sends a request frame; the runner answers with zero or more kPiece
// frames (generation only) and then exactly one final frame: the result, or
// kError. While a request runs the client may send kCancel (or close the
// connection); the runner then ends the request with kError(Cancelled).
//
// Decoding never trusts the bytes: a bad magic, an unknown type, a length
// over the limit, a count larger than the payload could hold, an enum value
// out of range or trailing bytes are all InvalidArgument errors, and no
// allocation is larger than the frame that was read.
//
// Thread-safety: pure functions on values.
//
// Example:
//   std::string bytes = EncodeFrame({FrameType::kGenerate, 7, EncodeGenerateRequest(request)});
//   ...
//   ASSIGN_OR_RETURN(FrameHeader header, DecodeFrameHeader(first_20_bytes));
//   ASSIGN_OR_RETURN(GenerateRequest request, DecodeGenerateRequest(payload));
#ifndef HEARTH_MODELS_RUNNER_PROTOCOL_H_
#define HEARTH_MODELS_RUNNER_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/inference.h"

namespace hearth {

enum class FrameType : uint8_t {
  // Client -> runner.
  kGenerate = 1,    // GenerateRequest
  kEmbed = 2,       // EmbedRequest
  kRerank = 3,      // RerankRequest
  kTokenize = 4,    // TokenizeRequest
  kDetokenize = 5,  // tokens (EncodeTokens)
  kStats = 6,       // empty
  kCancel = 7,      // empty; ends the running request
  // Runner -> client.
  kPiece = 32,           // GeneratePiece
  kGenerateResult = 33,  // GenerateResult (final)
  kEmbedResult = 34,     // EmbedResult (final)
  kRerankResult = 35,    // RerankResult (final)
  kTokens = 36,          // tokens (final, answers kTokenize)
  kText = 37,            // text (final, answers kDetokenize)
  kStatsResult = 38,     // InferenceStats (final)
  kError = 39,           // Status (final)
};

// "generate", "piece", ...; "unknown" for a value outside the enum.
std::string_view FrameTypeName(FrameType type);

// Limits that bound what a peer can make the other side allocate.
inline constexpr size_t kFrameHeaderSize = 20;
inline constexpr uint32_t kMaxFramePayload = 64u << 20;  // 64 MiB
inline constexpr uint32_t kMaxStopStrings = 256;
inline constexpr uint32_t kMaxBatchInputs = 65536;  // embed inputs, rerank documents
inline constexpr uint32_t kMaxEmbeddingDimensions = 65536;
inline constexpr uint32_t kMaxErrorMessage = 64u << 10;

struct Frame {
  FrameType type = FrameType::kError;
  uint64_t request_id = 0;
  std::string payload;
};

struct FrameHeader {
  FrameType type = FrameType::kError;
  uint64_t request_id = 0;
  uint32_t payload_length = 0;
};

// The header and payload of `frame`, ready to send. The payload must not be
// longer than kMaxFramePayload (the encoders below never produce more for
// inputs within the limits; callers check with CheckPayloadSize).
std::string EncodeFrame(const Frame& frame);

// Parses the first kFrameHeaderSize bytes of `bytes`. InvalidArgument for a
// short header, a wrong magic, nonzero reserved bytes, an unknown type or a
// payload length over kMaxFramePayload.
StatusOr<FrameHeader> DecodeFrameHeader(std::string_view bytes);

// Parses `bytes` as exactly one whole frame (header and payload, nothing
// after). For tests and the fuzz target; sockets read header and payload
// separately (models/runner_socket.h).
StatusOr<Frame> DecodeFrame(std::string_view bytes);

// InvalidArgument when an encoded payload is over kMaxFramePayload (a request
// too large to send: the message names the size and the limit).
Status CheckPayloadSize(std::string_view what, size_t size);

// Message payloads. Each Decode is the inverse of its Encode and rejects
// anything an Encode could not have produced.
struct TokenizeRequest {
  std::string text;
  bool add_special = true;
};

std::string EncodeGenerateRequest(const GenerateRequest& request);
StatusOr<GenerateRequest> DecodeGenerateRequest(std::string_view payload);

std::string EncodeGeneratePiece(const GeneratePiece& piece);
StatusOr<GeneratePiece> DecodeGeneratePiece(std::string_view payload);

std::string EncodeGenerateResult(const GenerateResult& result);
StatusOr<GenerateResult> DecodeGenerateResult(std::string_view payload);

std::string EncodeEmbedRequest(const EmbedRequest& request);
StatusOr<EmbedRequest> DecodeEmbedRequest(std::string_view payload);

std::string EncodeEmbedResult(const EmbedResult& result);
StatusOr<EmbedResult> DecodeEmbedResult(std::string_view payload);

std::string EncodeRerankRequest(const RerankRequest& request);
StatusOr<RerankRequest> DecodeRerankRequest(std::string_view payload);

std::string EncodeRerankResult(const RerankResult& result);
StatusOr<RerankResult> DecodeRerankResult(std::string_view payload);

std::string EncodeTokenizeRequest(const TokenizeRequest& request);
StatusOr<TokenizeRequest> DecodeTokenizeRequest(std::string_view payload);

// Token lists (kDetokenize requests and kTokens results).
std::string EncodeTokens(const std::vector<int32_t>& tokens);
StatusOr<std::vector<int32_t>> DecodeTokens(std::string_view payload);

// Plain text (kText results).
std::string EncodeText(std::string_view text);
StatusOr<std::string> DecodeText(std::string_view payload);

std::string EncodeStats(const InferenceStats& stats);
StatusOr<InferenceStats> DecodeStats(std::string_view payload);

// Errors: the code and the message. Encoding an OK status sends Internal
// (an error frame always carries an error).
std::string EncodeError(const Status& status);
// The status the payload carries (never OK), or InvalidArgument describing
// why the payload is not a valid error.
Status DecodeError(std::string_view payload);

// An empty payload (kStats, kCancel): InvalidArgument if `payload` is not empty.
Status DecodeEmpty(std::string_view message, std::string_view payload);

// The runner's startup report, one line on its stdout before it serves:
// "ready" once the model is loaded and the socket listens, or
// "error <CODE NAME> <message>" when it cannot start.
std::string StartupLine(const Status& status);  // with the trailing newline
// The status a startup line reports (OK for "ready"); Internal for a line
// that is neither form.
Status ParseStartupLine(std::string_view line);

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_PROTOCOL_H_
