#include "models/generation_output.h"

#include <utility>

namespace hearth {

GenerationOutput::GenerationOutput(std::vector<std::string> stops) : stop_(std::move(stops)) {}

std::optional<GeneratePiece> GenerationOutput::AddToken(std::string_view bytes) {
  ++uncovered_tokens_;
  if (stop_.stopped()) return std::nullopt;
  return MakePiece(stop_.Append(utf8_.Append(bytes)));
}

std::optional<GeneratePiece> GenerationOutput::Finish() {
  std::string rest;
  if (!stop_.stopped()) rest = stop_.Append(utf8_.Flush()) + stop_.Flush();
  return MakePiece(std::move(rest));
}

std::optional<GeneratePiece> GenerationOutput::MakePiece(std::string text) {
  if (text.empty()) return std::nullopt;
  text_ += text;
  GeneratePiece piece{.text = std::move(text), .token_count = uncovered_tokens_};
  uncovered_tokens_ = 0;
  return piece;
}

}  // namespace hearth
