// GenerationOutput: turns a slot's generated tokens into the pieces the
// caller streams — whole UTF-8 characters only (utf8_assembler.h), nothing
// from a stop string on (stop_matcher.h) — and keeps the full text.
//
// Thread-safety: externally synchronized (owned by one generation slot).
//
// Example:
//   GenerationOutput output({"\n"});
//   std::optional<GeneratePiece> piece = output.AddToken(TokenPiece(vocab, token));
//   if (piece) job.Emit(*piece);
//   if (output.stopped()) ...;
#ifndef HEARTH_MODELS_GENERATION_OUTPUT_H_
#define HEARTH_MODELS_GENERATION_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/inference.h"
#include "models/stop_matcher.h"
#include "models/utf8_assembler.h"

namespace hearth {

class GenerationOutput {
 public:
  explicit GenerationOutput(std::vector<std::string> stops);

  // Adds the bytes of one generated token. Returns the piece that can be
  // streamed now (covering every token since the last piece), or nullopt
  // when everything is held back.
  std::optional<GeneratePiece> AddToken(std::string_view bytes);

  // At the end of generation: the held-back text (unless a stop string was
  // seen; an unfinished character becomes U+FFFD), or nullopt if none.
  std::optional<GeneratePiece> Finish();

  // True once a stop string appeared; generation must end.
  bool stopped() const { return stop_.stopped(); }

  // Everything returned in pieces so far.
  const std::string& text() const { return text_; }

 private:
  std::optional<GeneratePiece> MakePiece(std::string text);

  Utf8Assembler utf8_;
  StopMatcher stop_;
  std::string text_;
  int32_t uncovered_tokens_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_GENERATION_OUTPUT_H_
