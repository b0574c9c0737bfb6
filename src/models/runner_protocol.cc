#include "models/runner_protocol.h"

#include <string>

#include "base/status_macros.h"
#include "models/runner_wire.h"

namespace hearth {
namespace {

constexpr uint32_t kFrameMagic = 0x314E5248;  // "HRN1" read as a little-endian u32

bool IsKnownFrameType(uint8_t value) {
  return (value >= static_cast<uint8_t>(FrameType::kGenerate) &&
          value <= static_cast<uint8_t>(FrameType::kCancel)) ||
         (value >= static_cast<uint8_t>(FrameType::kPiece) &&
          value <= static_cast<uint8_t>(FrameType::kError));
}

void PutSampling(WireWriter& writer, const SamplingOptions& sampling) {
  writer.PutF32(sampling.temperature);
  writer.PutI32(sampling.top_k);
  writer.PutF32(sampling.top_p);
  writer.PutF32(sampling.min_p);
  writer.PutF32(sampling.repeat_penalty);
  writer.PutI32(sampling.repeat_last_n);
  writer.PutF32(sampling.presence_penalty);
  writer.PutF32(sampling.frequency_penalty);
  writer.PutU32(sampling.seed);
}

StatusOr<SamplingOptions> ReadSampling(WireReader& reader) {
  SamplingOptions sampling;
  ASSIGN_OR_RETURN(sampling.temperature, reader.F32("temperature"));
  ASSIGN_OR_RETURN(sampling.top_k, reader.I32("top_k"));
  ASSIGN_OR_RETURN(sampling.top_p, reader.F32("top_p"));
  ASSIGN_OR_RETURN(sampling.min_p, reader.F32("min_p"));
  ASSIGN_OR_RETURN(sampling.repeat_penalty, reader.F32("repeat_penalty"));
  ASSIGN_OR_RETURN(sampling.repeat_last_n, reader.I32("repeat_last_n"));
  ASSIGN_OR_RETURN(sampling.presence_penalty, reader.F32("presence_penalty"));
  ASSIGN_OR_RETURN(sampling.frequency_penalty, reader.F32("frequency_penalty"));
  ASSIGN_OR_RETURN(sampling.seed, reader.U32("seed"));
  return sampling;
}

void PutStrings(WireWriter& writer, const std::vector<std::string>& strings) {
  writer.PutU32(static_cast<uint32_t>(strings.size()));
  for (const std::string& s : strings) writer.PutString(s);
}

// Every string takes at least its 4-byte length.
StatusOr<std::vector<std::string>> ReadStrings(WireReader& reader, std::string_view field,
                                               uint32_t max_count) {
  ASSIGN_OR_RETURN(uint32_t count, reader.Count(field, max_count, 4));
  std::vector<std::string> strings;
  strings.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(std::string s, reader.String(field, kMaxFramePayload));
    strings.push_back(std::move(s));
  }
  return strings;
}

void PutFloats(WireWriter& writer, const std::vector<float>& values) {
  writer.PutU32(static_cast<uint32_t>(values.size()));
  for (float v : values) writer.PutF32(v);
}

StatusOr<std::vector<float>> ReadFloats(WireReader& reader, std::string_view field,
                                        uint32_t max_count) {
  ASSIGN_OR_RETURN(uint32_t count, reader.Count(field, max_count, 4));
  std::vector<float> values(count);
  for (float& v : values) {
    ASSIGN_OR_RETURN(v, reader.F32(field));
  }
  return values;
}

void PutDuration(WireWriter& writer, std::chrono::nanoseconds duration) {
  writer.PutI64(duration.count());
}

StatusOr<std::chrono::nanoseconds> ReadDuration(WireReader& reader, std::string_view field) {
  ASSIGN_OR_RETURN(int64_t count, reader.I64(field));
  return std::chrono::nanoseconds(count);
}

StatusOr<FinishReason> ReadFinishReason(WireReader& reader) {
  ASSIGN_OR_RETURN(uint8_t value, reader.U8("finish_reason"));
  if (value > static_cast<uint8_t>(FinishReason::kCancelled)) {
    return InvalidArgumentError("runner message has an unknown finish reason " +
                                std::to_string(value));
  }
  return static_cast<FinishReason>(value);
}

}  // namespace

std::string_view FrameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kGenerate: return "generate";
    case FrameType::kEmbed: return "embed";
    case FrameType::kRerank: return "rerank";
    case FrameType::kTokenize: return "tokenize";
    case FrameType::kDetokenize: return "detokenize";
    case FrameType::kStats: return "stats";
    case FrameType::kCancel: return "cancel";
    case FrameType::kPiece: return "piece";
    case FrameType::kGenerateResult: return "generate result";
    case FrameType::kEmbedResult: return "embed result";
    case FrameType::kRerankResult: return "rerank result";
    case FrameType::kTokens: return "tokens";
    case FrameType::kText: return "text";
    case FrameType::kStatsResult: return "stats result";
    case FrameType::kError: return "error";
  }
  return "unknown";
}

std::string EncodeFrame(const Frame& frame) {
  WireWriter writer;
  writer.PutU32(kFrameMagic);
  writer.PutU8(static_cast<uint8_t>(frame.type));
  for (int i = 0; i < 3; ++i) writer.PutU8(0);
  writer.PutU32(static_cast<uint32_t>(frame.payload.size()));
  writer.PutU64(frame.request_id);
  std::string bytes = writer.Release();
  bytes.append(frame.payload);
  return bytes;
}

StatusOr<FrameHeader> DecodeFrameHeader(std::string_view bytes) {
  WireReader reader(bytes.substr(0, kFrameHeaderSize));
  ASSIGN_OR_RETURN(uint32_t magic, reader.U32("frame magic"));
  if (magic != kFrameMagic) {
    return InvalidArgumentError("not a runner protocol frame (bad magic); the peer is not a "
                                "hearth runner of this version, or the stream is corrupt");
  }
  ASSIGN_OR_RETURN(uint8_t type, reader.U8("frame type"));
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(uint8_t reserved, reader.U8("reserved"));
    if (reserved != 0) return InvalidArgumentError("runner frame has nonzero reserved bytes");
  }
  if (!IsKnownFrameType(type)) {
    return InvalidArgumentError("runner frame has unknown type " + std::to_string(type));
  }
  FrameHeader header{.type = static_cast<FrameType>(type)};
  ASSIGN_OR_RETURN(header.payload_length, reader.U32("payload length"));
  RETURN_IF_ERROR(CheckPayloadSize(FrameTypeName(header.type), header.payload_length));
  ASSIGN_OR_RETURN(header.request_id, reader.U64("request id"));
  return header;
}

StatusOr<Frame> DecodeFrame(std::string_view bytes) {
  ASSIGN_OR_RETURN(FrameHeader header, DecodeFrameHeader(bytes));
  std::string_view payload = bytes.substr(kFrameHeaderSize);
  if (payload.size() != header.payload_length) {
    return InvalidArgumentError("runner frame announces " + std::to_string(header.payload_length) +
                                " payload bytes but has " + std::to_string(payload.size()));
  }
  return Frame{header.type, header.request_id, std::string(payload)};
}

Status CheckPayloadSize(std::string_view what, size_t size) {
  if (size <= kMaxFramePayload) return OkStatus();
  return InvalidArgumentError("runner " + std::string(what) + " message is " +
                              std::to_string(size) + " bytes; the limit is " +
                              std::to_string(kMaxFramePayload));
}

std::string EncodeGenerateRequest(const GenerateRequest& request) {
  WireWriter writer;
  writer.PutString(request.prompt);
  writer.PutBool(request.add_special);
  PutSampling(writer, request.sampling);
  writer.PutI32(request.max_tokens);
  PutStrings(writer, request.stop);
  writer.PutString(request.grammar);
  writer.PutBool(request.ignore_eos);
  return writer.Release();
}

StatusOr<GenerateRequest> DecodeGenerateRequest(std::string_view payload) {
  WireReader reader(payload);
  GenerateRequest request;
  ASSIGN_OR_RETURN(request.prompt, reader.String("prompt", kMaxFramePayload));
  ASSIGN_OR_RETURN(request.add_special, reader.Bool("add_special"));
  ASSIGN_OR_RETURN(request.sampling, ReadSampling(reader));
  ASSIGN_OR_RETURN(request.max_tokens, reader.I32("max_tokens"));
  ASSIGN_OR_RETURN(request.stop, ReadStrings(reader, "stop strings", kMaxStopStrings));
  ASSIGN_OR_RETURN(request.grammar, reader.String("grammar", kMaxFramePayload));
  ASSIGN_OR_RETURN(request.ignore_eos, reader.Bool("ignore_eos"));
  RETURN_IF_ERROR(reader.ExpectEnd("generate"));
  return request;
}

std::string EncodeGeneratePiece(const GeneratePiece& piece) {
  WireWriter writer;
  writer.PutString(piece.text);
  writer.PutI32(piece.token_count);
  return writer.Release();
}

StatusOr<GeneratePiece> DecodeGeneratePiece(std::string_view payload) {
  WireReader reader(payload);
  GeneratePiece piece;
  ASSIGN_OR_RETURN(piece.text, reader.String("piece text", kMaxFramePayload));
  ASSIGN_OR_RETURN(piece.token_count, reader.I32("token_count"));
  RETURN_IF_ERROR(reader.ExpectEnd("piece"));
  return piece;
}

std::string EncodeGenerateResult(const GenerateResult& result) {
  WireWriter writer;
  writer.PutString(result.text);
  writer.PutU8(static_cast<uint8_t>(result.finish_reason));
  writer.PutI32(result.prompt_tokens);
  writer.PutI32(result.cached_prompt_tokens);
  writer.PutI32(result.generated_tokens);
  PutDuration(writer, result.queue_duration);
  PutDuration(writer, result.prefill_duration);
  PutDuration(writer, result.decode_duration);
  return writer.Release();
}

StatusOr<GenerateResult> DecodeGenerateResult(std::string_view payload) {
  WireReader reader(payload);
  GenerateResult result;
  ASSIGN_OR_RETURN(result.text, reader.String("text", kMaxFramePayload));
  ASSIGN_OR_RETURN(result.finish_reason, ReadFinishReason(reader));
  ASSIGN_OR_RETURN(result.prompt_tokens, reader.I32("prompt_tokens"));
  ASSIGN_OR_RETURN(result.cached_prompt_tokens, reader.I32("cached_prompt_tokens"));
  ASSIGN_OR_RETURN(result.generated_tokens, reader.I32("generated_tokens"));
  ASSIGN_OR_RETURN(result.queue_duration, ReadDuration(reader, "queue_duration"));
  ASSIGN_OR_RETURN(result.prefill_duration, ReadDuration(reader, "prefill_duration"));
  ASSIGN_OR_RETURN(result.decode_duration, ReadDuration(reader, "decode_duration"));
  RETURN_IF_ERROR(reader.ExpectEnd("generate result"));
  return result;
}

std::string EncodeEmbedRequest(const EmbedRequest& request) {
  WireWriter writer;
  PutStrings(writer, request.inputs);
  writer.PutBool(request.normalize);
  writer.PutBool(request.truncate);
  return writer.Release();
}

StatusOr<EmbedRequest> DecodeEmbedRequest(std::string_view payload) {
  WireReader reader(payload);
  EmbedRequest request;
  ASSIGN_OR_RETURN(request.inputs, ReadStrings(reader, "embed inputs", kMaxBatchInputs));
  ASSIGN_OR_RETURN(request.normalize, reader.Bool("normalize"));
  ASSIGN_OR_RETURN(request.truncate, reader.Bool("truncate"));
  RETURN_IF_ERROR(reader.ExpectEnd("embed"));
  return request;
}

std::string EncodeEmbedResult(const EmbedResult& result) {
  WireWriter writer;
  writer.PutU32(static_cast<uint32_t>(result.embeddings.size()));
  for (const std::vector<float>& embedding : result.embeddings) PutFloats(writer, embedding);
  writer.PutI32(result.prompt_tokens);
  writer.PutU32(static_cast<uint32_t>(result.truncated.size()));
  for (bool truncated : result.truncated) writer.PutBool(truncated);
  PutDuration(writer, result.duration);
  return writer.Release();
}

StatusOr<EmbedResult> DecodeEmbedResult(std::string_view payload) {
  WireReader reader(payload);
  EmbedResult result;
  ASSIGN_OR_RETURN(uint32_t count, reader.Count("embeddings", kMaxBatchInputs, 4));
  result.embeddings.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(std::vector<float> embedding,
                     ReadFloats(reader, "embedding values", kMaxEmbeddingDimensions));
    result.embeddings.push_back(std::move(embedding));
  }
  ASSIGN_OR_RETURN(result.prompt_tokens, reader.I32("prompt_tokens"));
  ASSIGN_OR_RETURN(uint32_t flags, reader.Count("truncated flags", kMaxBatchInputs, 1));
  result.truncated.reserve(flags);
  for (uint32_t i = 0; i < flags; ++i) {
    ASSIGN_OR_RETURN(bool truncated, reader.Bool("truncated"));
    result.truncated.push_back(truncated);
  }
  ASSIGN_OR_RETURN(result.duration, ReadDuration(reader, "duration"));
  RETURN_IF_ERROR(reader.ExpectEnd("embed result"));
  return result;
}

std::string EncodeRerankRequest(const RerankRequest& request) {
  WireWriter writer;
  writer.PutString(request.query);
  PutStrings(writer, request.documents);
  return writer.Release();
}

StatusOr<RerankRequest> DecodeRerankRequest(std::string_view payload) {
  WireReader reader(payload);
  RerankRequest request;
  ASSIGN_OR_RETURN(request.query, reader.String("query", kMaxFramePayload));
  ASSIGN_OR_RETURN(request.documents, ReadStrings(reader, "rerank documents", kMaxBatchInputs));
  RETURN_IF_ERROR(reader.ExpectEnd("rerank"));
  return request;
}

std::string EncodeRerankResult(const RerankResult& result) {
  WireWriter writer;
  PutFloats(writer, result.scores);
  writer.PutI32(result.prompt_tokens);
  PutDuration(writer, result.duration);
  return writer.Release();
}

StatusOr<RerankResult> DecodeRerankResult(std::string_view payload) {
  WireReader reader(payload);
  RerankResult result;
  ASSIGN_OR_RETURN(result.scores, ReadFloats(reader, "rerank scores", kMaxBatchInputs));
  ASSIGN_OR_RETURN(result.prompt_tokens, reader.I32("prompt_tokens"));
  ASSIGN_OR_RETURN(result.duration, ReadDuration(reader, "duration"));
  RETURN_IF_ERROR(reader.ExpectEnd("rerank result"));
  return result;
}

std::string EncodeTokenizeRequest(const TokenizeRequest& request) {
  WireWriter writer;
  writer.PutString(request.text);
  writer.PutBool(request.add_special);
  return writer.Release();
}

StatusOr<TokenizeRequest> DecodeTokenizeRequest(std::string_view payload) {
  WireReader reader(payload);
  TokenizeRequest request;
  ASSIGN_OR_RETURN(request.text, reader.String("text", kMaxFramePayload));
  ASSIGN_OR_RETURN(request.add_special, reader.Bool("add_special"));
  RETURN_IF_ERROR(reader.ExpectEnd("tokenize"));
  return request;
}

std::string EncodeTokens(const std::vector<int32_t>& tokens) {
  WireWriter writer;
  writer.PutU32(static_cast<uint32_t>(tokens.size()));
  for (int32_t token : tokens) writer.PutI32(token);
  return writer.Release();
}

StatusOr<std::vector<int32_t>> DecodeTokens(std::string_view payload) {
  WireReader reader(payload);
  ASSIGN_OR_RETURN(uint32_t count, reader.Count("tokens", kMaxFramePayload / 4, 4));
  std::vector<int32_t> tokens(count);
  for (int32_t& token : tokens) {
    ASSIGN_OR_RETURN(token, reader.I32("token"));
  }
  RETURN_IF_ERROR(reader.ExpectEnd("tokens"));
  return tokens;
}

std::string EncodeText(std::string_view text) {
  WireWriter writer;
  writer.PutString(text);
  return writer.Release();
}

StatusOr<std::string> DecodeText(std::string_view payload) {
  WireReader reader(payload);
  ASSIGN_OR_RETURN(std::string text, reader.String("text", kMaxFramePayload));
  RETURN_IF_ERROR(reader.ExpectEnd("text"));
  return text;
}

std::string EncodeStats(const InferenceStats& stats) {
  WireWriter writer;
  writer.PutI32(stats.context_length);
  writer.PutI32(stats.slots);
  writer.PutI32(stats.training_context);
  writer.PutI32(stats.embedding_length);
  writer.PutBool(stats.has_encoder_only);
  writer.PutBool(stats.is_reranker);
  writer.PutU64(stats.resident_bytes);
  writer.PutU64(stats.model_bytes);
  writer.PutU64(stats.kv_cache_bytes);
  writer.PutI32(stats.active_requests);
  writer.PutI32(stats.max_parallel_tokens_per_decode);
  return writer.Release();
}

StatusOr<InferenceStats> DecodeStats(std::string_view payload) {
  WireReader reader(payload);
  InferenceStats stats;
  ASSIGN_OR_RETURN(stats.context_length, reader.I32("context_length"));
  ASSIGN_OR_RETURN(stats.slots, reader.I32("slots"));
  ASSIGN_OR_RETURN(stats.training_context, reader.I32("training_context"));
  ASSIGN_OR_RETURN(stats.embedding_length, reader.I32("embedding_length"));
  ASSIGN_OR_RETURN(stats.has_encoder_only, reader.Bool("has_encoder_only"));
  ASSIGN_OR_RETURN(stats.is_reranker, reader.Bool("is_reranker"));
  ASSIGN_OR_RETURN(stats.resident_bytes, reader.U64("resident_bytes"));
  ASSIGN_OR_RETURN(stats.model_bytes, reader.U64("model_bytes"));
  ASSIGN_OR_RETURN(stats.kv_cache_bytes, reader.U64("kv_cache_bytes"));
  ASSIGN_OR_RETURN(stats.active_requests, reader.I32("active_requests"));
  ASSIGN_OR_RETURN(stats.max_parallel_tokens_per_decode,
                   reader.I32("max_parallel_tokens_per_decode"));
  RETURN_IF_ERROR(reader.ExpectEnd("stats"));
  return stats;
}

std::string EncodeError(const Status& status) {
  const Status& sent = status.ok() ? InternalError("error frame without an error") : status;
  WireWriter writer;
  writer.PutU8(static_cast<uint8_t>(sent.code()));
  writer.PutString(std::string_view(sent.message()).substr(0, kMaxErrorMessage));
  return writer.Release();
}

Status DecodeError(std::string_view payload) {
  WireReader reader(payload);
  StatusOr<uint8_t> code = reader.U8("error code");
  if (!code.ok()) return code.status();
  if (*code == 0 || *code > static_cast<uint8_t>(StatusCode::kAborted)) {
    return InvalidArgumentError("runner error message has an invalid status code " +
                                std::to_string(*code));
  }
  StatusOr<std::string> message = reader.String("error message", kMaxErrorMessage);
  if (!message.ok()) return message.status();
  if (Status end = reader.ExpectEnd("error"); !end.ok()) return end;
  return Status(static_cast<StatusCode>(*code), std::move(*message));
}

Status DecodeEmpty(std::string_view message, std::string_view payload) {
  return WireReader(payload).ExpectEnd(message);
}

std::string StartupLine(const Status& status) {
  if (status.ok()) return "ready\n";
  std::string message = status.message();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return "error " + std::string(StatusCodeName(status.code())) + " " + message + "\n";
}

Status ParseStartupLine(std::string_view line) {
  if (line == "ready") return OkStatus();
  constexpr std::string_view kError = "error ";
  if (line.substr(0, kError.size()) == kError) {
    std::string_view rest = line.substr(kError.size());
    std::string_view name = rest.substr(0, rest.find(' '));
    std::string_view message = name.size() < rest.size() ? rest.substr(name.size() + 1) : "";
    for (int code = 1; code <= static_cast<int>(StatusCode::kAborted); ++code) {
      if (StatusCodeName(static_cast<StatusCode>(code)) == name) {
        return Status(static_cast<StatusCode>(code), std::string(message));
      }
    }
  }
  return InternalError("the runner reported something unexpected at startup: '" +
                       std::string(line.substr(0, 200)) + "'");
}

}  // namespace hearth
