// GGUF pre-validation: reads and checks a GGUF model file with hearth's own
// parser before any of llama.cpp's code sees it, and returns a summary of its
// metadata and tensors (models/gguf_summary.h).
//
// llama.cpp trusts much of what a file claims; a truncated download or a
// corrupted (or hostile) file can make it read out of bounds, allocate without
// limit or abort. Every file that reaches llama.cpp passes these checks first:
//
//   - magic "GGUF"; version 2 or 3;
//   - tensor and metadata entry counts, string lengths and array lengths
//     within GgufLimits; every read inside the file ("truncated at byte N
//     while reading X" otherwise);
//   - keys: non-empty, valid UTF-8, unique; value types known to GGUF; arrays
//     nested at most one level;
//   - `general.alignment`, when present: a u32 power of two;
//   - tensors: unique names of at most 63 bytes (ggml's GGML_MAX_NAME of 64,
//     less the terminating NUL), at most 4 dimensions, each at least 1, whose
//     product does not overflow; a ggml type this hearth knows, with the row
//     length a multiple of the type's block size; an offset that is a multiple
//     of the alignment; data inside the file and not overlapping another's.
//
// All arithmetic on values from the file is overflow-checked. Memory use is
// bounded by the limits, not by what the file claims: large arrays (a
// tokenizer's vocabulary) are checked and counted but not kept.
//
// Errors name the file, what is wrong and where:
//   InvalidArgument     the file is malformed: "model.gguf is not a valid GGUF
//                       file: tensor 'blk.3.attn_q.weight' ends at byte
//                       812,345,678 but the file has 800,000,000 bytes
//                       (truncated download?)"
//   FailedPrecondition  the file may be well formed but this hearth cannot use
//                       it: GGUF version 1 or newer than 3, a tensor type that
//                       ggml removed or that this hearth does not know
//   NotFound, PermissionDenied, ...   (ReadGgufFile) the file cannot be opened
//                       or read, as PosixError maps errno
//
// Thread-safety: the functions are thread-safe; each call reads on its own.
//
// Example:
//   ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(upload_path));
//   if (gguf.architecture().empty()) return InvalidArgumentError("no architecture");

#ifndef HEARTH_MODELS_GGUF_FILE_H_
#define HEARTH_MODELS_GGUF_FILE_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "base/status.h"
#include "models/gguf_summary.h"

namespace hearth {

// Bounds on what a file may claim. The defaults accept every real model
// published as GGUF and refuse absurd counts before anything is allocated.
struct GgufLimits {
  // Tensors per file. The largest models (MoE, 100+ layers) have a few
  // thousand.
  uint64_t max_tensors = 65'536;
  // Metadata entries per file. Real files have a few dozen.
  uint64_t max_metadata_entries = 65'536;
  // Bytes per string: keys, values, array elements, tensor names. Chat
  // templates are the largest strings, up to a few hundred KiB.
  uint64_t max_string_bytes = 16 * 1024 * 1024;
  // Elements per array. Tokenizer vocabularies and merge lists reach ~300k.
  uint64_t max_array_elements = 10'000'000;
  // Arrays of up to this many elements are kept in the summary; longer ones
  // are checked and counted only.
  uint64_t max_kept_array_elements = 64;
  // The total bytes of keys and string values kept in the summary (which
  // holds at most one copy of the metadata outside large arrays). A file
  // over it is refused.
  uint64_t max_kept_metadata_bytes = 64 * 1024 * 1024;
};

// Reads and checks the GGUF file at `path`. Only the header region (metadata
// and tensor descriptions) is read, with bounded buffered reads; tensor
// extents are checked against the file's size, and the tensor data itself is
// not read. Errors: see the file comment.
// `display_name`, when given, names the file in error messages instead of
// its path (e.g. "the uploaded blob sha256:…", so a client never sees the
// server's paths).
StatusOr<GgufSummary> ReadGgufFile(const std::filesystem::path& path,
                                   const GgufLimits& limits = {},
                                   std::string_view display_name = {});

// The same checks over GGUF bytes in memory (for tests and fuzzing);
// `bytes` is the whole file and need only live for the call. `display_name`
// names the input in error messages (escaped there like a path).
StatusOr<GgufSummary> ParseGguf(std::span<const uint8_t> bytes, const GgufLimits& limits = {},
                                std::string_view display_name = "the input");

}  // namespace hearth

#endif  // HEARTH_MODELS_GGUF_FILE_H_
