// ModelDetails: the summary of a model that `hearth list`, `hearth show` and
// Ollama's /api/tags show, as Ollama computes it from a GGUF file:
//
//   family              general.architecture ("llama", "qwen2", "bert")
//   parameter_size      the parameter count, Ollama-style: "293K", "494.03M",
//                       "1.2B", "7.6B" (FormatParameterCount)
//   quantization_level  the name of general.file_type ("Q4_K_M", "F32"); a
//                       file without it is named after the ggml type that
//                       holds most of its weight bytes ("Q8_0", "F16")
//
// Thread-safety: a value type and pure functions.
//
// Example:
//   ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(path));
//   ModelDetails details = DetailsFromGguf(gguf);   // {"gguf", "llama", {"llama"}, "293K", "F32"}
#ifndef HEARTH_MODELS_MODEL_DETAILS_H_
#define HEARTH_MODELS_MODEL_DETAILS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "models/gguf_summary.h"

namespace hearth {

// What `hearth list` and Ollama's /api/tags show (Ollama's "details").
struct ModelDetails {
  std::string format = "gguf";
  std::string family;                 // general.architecture: "llama", "bert"
  std::vector<std::string> families;  // Ollama's list; {family} for one GGUF
  std::string parameter_size;         // "1.2B", "293K"
  std::string quantization_level;     // "Q4_K_M", "F32"
};

// The details of a validated GGUF file (see the file comment). Fields the
// file does not determine are left empty.
ModelDetails DetailsFromGguf(const GgufSummary& gguf);

// A parameter count as Ollama writes it: below 1000 the number itself;
// thousands rounded to whole "K" ("293K"); millions with two decimals unless
// whole ("494.03M", "137M"); billions and trillions with one decimal unless
// whole ("1.2B", "7.6B", "8B").
std::string FormatParameterCount(uint64_t count);

// general.file_type's name, else the dominant tensor type's name in upper
// case ("Q4_K", "F16"), else "" for a file without tensors.
std::string QuantizationLevel(const GgufSummary& gguf);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_DETAILS_H_
