// Fuzzes the runner protocol decoders (models/runner_protocol.h), which read
// bytes from another process. Invariants: every error is InvalidArgument
// (for a frame) or a transported status (for an error payload), and every
// accepted input is canonical: encoding what was decoded reproduces the
// exact bytes. The input is tried as a whole frame and as the payload of
// every message type.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/runner_protocol.h"

namespace {

using hearth::StatusCode;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Decodes `payload` with `decode`; if accepted, re-encoding must give it back.
template <typename Decode, typename Encode>
void RoundTrip(std::string_view payload, Decode decode, Encode encode) {
  auto decoded = decode(payload);
  if (!decoded.ok()) {
    Check(decoded.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  Check(encode(*decoded) == payload);
}

void FuzzPayloads(std::string_view bytes) {
  using namespace hearth;
  RoundTrip(bytes, DecodeGenerateRequest, EncodeGenerateRequest);
  RoundTrip(bytes, DecodeGeneratePiece, EncodeGeneratePiece);
  RoundTrip(bytes, DecodeGenerateResult, EncodeGenerateResult);
  RoundTrip(bytes, DecodeEmbedRequest, EncodeEmbedRequest);
  RoundTrip(bytes, DecodeEmbedResult, EncodeEmbedResult);
  RoundTrip(bytes, DecodeRerankRequest, EncodeRerankRequest);
  RoundTrip(bytes, DecodeRerankResult, EncodeRerankResult);
  RoundTrip(bytes, DecodeTokenizeRequest, EncodeTokenizeRequest);
  RoundTrip(bytes, DecodeTokens, EncodeTokens);
  RoundTrip(bytes, DecodeText, [](const std::string& text) { return EncodeText(text); });
  RoundTrip(bytes, DecodeStats, EncodeStats);
  Status error = DecodeError(bytes);
  Check(!error.ok());
  Check(error.code() == StatusCode::kInvalidArgument || EncodeError(error) == bytes);
  ParseStartupLine(bytes).IgnoreError();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto frame = hearth::DecodeFrame(bytes);
  if (frame.ok()) {
    Check(hearth::EncodeFrame(*frame) == bytes);
    FuzzPayloads(frame->payload);
  } else {
    Check(frame.status().code() == StatusCode::kInvalidArgument);
  }
  FuzzPayloads(bytes);
  return 0;
}
