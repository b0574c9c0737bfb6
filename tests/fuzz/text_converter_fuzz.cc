// Fuzzes the text-format converters (rag/convert/text_converters.h) the way
// ConvertDocument calls them: the bytes are decoded (text_decoding.h) and
// handed to one converter, chosen at build time by HEARTH_FUZZ_TEXT_FORMAT:
//   1 markdown, 2 plain text, 3 CSV, 4 TSV, 5 JSON, 6 code.
// Invariants: the converter never crashes; it returns a document within the
// limits with clean, non-blank text (fuzz_checks.h) or an InvalidArgument /
// ResourceExhausted error; and per format:
//   plain text  keeps every word of the input, in order, in paragraphs;
//   CSV/TSV     makes only table blocks;
//   JSON        accepts exactly the texts nlohmann::json accepts within the
//               depth limit (numbers beyond a double aside, which are JSON);
//   code        starts with a level-1 heading naming the file; then code blocks
//               whose lines are the input's lines, in order.
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.h"
#include "nlohmann/json.hpp"
#include "rag/convert/text_converters.h"
#include "rag/convert/text_decoding.h"

#ifndef HEARTH_FUZZ_TEXT_FORMAT
#error "define HEARTH_FUZZ_TEXT_FORMAT (1..6)"
#endif

namespace {

using hearth::BlockKind;
using hearth::ConvertLimits;
using hearth::StatusCode;
using hearth::StatusOr;
using hearth::StructuredDocument;
using hearth::fuzz::Check;

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

[[maybe_unused]] void CheckPlainText(std::string_view text,
                                    const StructuredDocument& document) {
  std::vector<std::string> output;
  for (const hearth::DocumentBlock& block : document.blocks) {
    Check(block.kind == BlockKind::kParagraph);
    for (std::string& word : Words(block.text)) output.push_back(std::move(word));
  }
  Check(output == Words(text));
}

[[maybe_unused]] void CheckTables(const StructuredDocument& document) {
  for (const hearth::DocumentBlock& block : document.blocks) Check(block.kind == BlockKind::kTable);
}

// Nesting depth of a parsed JSON value (a scalar is 0).
[[maybe_unused]] int Depth(const nlohmann::json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const nlohmann::json& child : value) deepest = std::max(deepest, Depth(child));
    return deepest + 1;
  }
  return 0;
}

[[maybe_unused]] void CheckJsonAcceptance(std::string_view text,
                                          const StatusOr<StructuredDocument>& document,
                                          const ConvertLimits& limits) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond double (1e999) is JSON; nlohmann alone cannot hold it.
    return;
  } catch (const nlohmann::json::exception&) {
    Check(!document.ok());
    return;
  }
  if (Depth(parsed) < limits.max_xml_depth) {
    Check(document.ok() || document.status().code() == StatusCode::kResourceExhausted);
  }
}

[[maybe_unused]] void CheckCode(std::string_view text, const StructuredDocument& document) {
  Check(!document.blocks.empty());
  Check(document.blocks[0].kind == BlockKind::kHeading && document.blocks[0].level == 1);
  Check(document.blocks[0].text.starts_with("fuzz.py"));
  std::vector<std::string> output;
  for (size_t i = 1; i < document.blocks.size(); ++i) {
    Check(document.blocks[i].kind == BlockKind::kCode);
    for (std::string& word : Words(document.blocks[i].text)) output.push_back(std::move(word));
  }
  Check(output == Words(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ConvertLimits limits = hearth::fuzz::FuzzLimits();
  const std::string text =
      hearth::DecodeText(std::string_view(reinterpret_cast<const char*>(data), size)).text;
  hearth::fuzz::CheckCleanText(text);
#if HEARTH_FUZZ_TEXT_FORMAT == 1
  const std::string_view format = "markdown";
  auto document = hearth::ConvertMarkdown(text, limits);
#elif HEARTH_FUZZ_TEXT_FORMAT == 2
  const std::string_view format = "text";
  auto document = hearth::ConvertPlainText(text, limits);
  if (document.ok()) CheckPlainText(text, *document);
#elif HEARTH_FUZZ_TEXT_FORMAT == 3
  const std::string_view format = "csv";
  const char delimiter = hearth::GuessCsvDelimiter(text);
  Check(delimiter == ',' || delimiter == ';');
  auto document = hearth::ConvertDelimitedText(text, delimiter, limits);
  if (document.ok()) CheckTables(*document);
#elif HEARTH_FUZZ_TEXT_FORMAT == 4
  const std::string_view format = "tsv";
  auto document = hearth::ConvertDelimitedText(text, '\t', limits);
  if (document.ok()) CheckTables(*document);
#elif HEARTH_FUZZ_TEXT_FORMAT == 5
  const std::string_view format = "json";
  auto document = hearth::ConvertJson(text, limits);
  CheckJsonAcceptance(text, document, limits);
#else
  const std::string_view format = "code";
  auto document = hearth::ConvertCode(text, "fuzz.py", limits);
  if (document.ok()) CheckCode(text, *document);
#endif
  if (!document.ok()) {
    const StatusCode code = document.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kResourceExhausted);
    return 0;
  }
  hearth::fuzz::CheckDocument(*document, limits, format);
  return 0;
}
