// ConvertJson: flattens a JSON document into "path: value" lines. A small
// parser of our own (nlohmann/json stays out of rag/); it only needs to walk
// the value once, and it bounds nesting so hostile input cannot overflow the
// stack.
#include <cstdint>
#include <string>

#include "base/status_macros.h"
#include "base/utf8.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/text_converters.h"

namespace hearth {
namespace {

constexpr int kLinesPerBlock = 50;


class JsonFlattener {
 public:
  JsonFlattener(std::string_view text, const ConvertLimits& limits)
      : text_(text), limits_(limits), builder_("json", limits) {}

  Status Run() {
    // RFC 8259 lets a parser ignore a leading byte-order mark (nlohmann does);
    // one can still be here when NULs before it were dropped in decoding.
    if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;
    RETURN_IF_ERROR(Value("", 0));
    SkipSpace();
    if (position_ != text_.size()) return Error("unexpected data after the JSON value");
    return FlushBlock();
  }

  StructuredDocument Finish() && { return std::move(builder_).Finish(); }

 private:
  Status Value(const std::string& path, int depth) {
    if (depth > limits_.max_xml_depth) {
      return ResourceExhaustedError("JSON nesting is deeper than " + std::to_string(limits_.max_xml_depth) +
                                    " levels");
    }
    SkipSpace();
    if (position_ >= text_.size()) return Error("unexpected end of the JSON text");
    char c = text_[position_];
    if (c == '{') return Object(path, depth);
    if (c == '[') return Array(path, depth);
    std::string scalar;
    if (c == '"') {
      ASSIGN_OR_RETURN(scalar, String());
    } else {
      ASSIGN_OR_RETURN(scalar, Literal());
    }
    return Line(path.empty() ? "value" : path, scalar);
  }

  Status Object(const std::string& path, int depth) {
    ++position_;
    SkipSpace();
    if (Consume('}')) return OkStatus();
    do {
      SkipSpace();
      if (position_ >= text_.size() || text_[position_] != '"') return Error("expected a quoted key");
      ASSIGN_OR_RETURN(std::string key, String());
      SkipSpace();
      if (!Consume(':')) return Error("expected ':' after a key");
      RETURN_IF_ERROR(Value(path.empty() ? key : path + "." + key, depth + 1));
      SkipSpace();
    } while (Consume(','));
    if (!Consume('}')) return Error("expected ',' or '}' in an object");
    return OkStatus();
  }

  Status Array(const std::string& path, int depth) {
    ++position_;
    SkipSpace();
    if (Consume(']')) return OkStatus();
    size_t index = 0;
    do {
      RETURN_IF_ERROR(Value(path + "[" + std::to_string(index++) + "]", depth + 1));
      SkipSpace();
    } while (Consume(','));
    if (!Consume(']')) return Error("expected ',' or ']' in an array");
    return OkStatus();
  }

  StatusOr<std::string> String() {
    ++position_;  // the opening quote
    std::string out;
    while (position_ < text_.size()) {
      char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --position_;
        return Error("a control character in a string must be escaped");
      }
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (position_ >= text_.size()) break;
      char escape = text_[position_++];
      switch (escape) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':  // text has '\n' line ends only
          out.push_back('\n');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          ASSIGN_OR_RETURN(uint32_t code_point, Unicode());
          // Text holds no NUL and no '\r' (see text_decoding.h).
          if (code_point == '\r') code_point = '\n';
          if (code_point != 0) AppendUtf8(out, code_point);
          break;
        }
        case '"':
        case '\\':
        case '/':
          out.push_back(escape);
          break;
        default:
          --position_;
          return Error("invalid escape in a string");
      }
    }
    return Error("unterminated string");
  }

  StatusOr<uint32_t> Hex4() {
    if (text_.size() - position_ < 4) return Error("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[position_++];
      uint32_t digit = c >= '0' && c <= '9'   ? static_cast<uint32_t>(c - '0')
                       : c >= 'a' && c <= 'f' ? static_cast<uint32_t>(c - 'a' + 10)
                       : c >= 'A' && c <= 'F' ? static_cast<uint32_t>(c - 'A' + 10)
                                              : 16;
      if (digit == 16) return Error("invalid \\u escape");
      value = value * 16 + digit;
    }
    return value;
  }

  StatusOr<uint32_t> Unicode() {
    ASSIGN_OR_RETURN(uint32_t high, Hex4());
    if (high < 0xD800 || high >= 0xE000) return high;
    if (high < 0xDC00 && text_.substr(position_, 2) == "\\u") {
      position_ += 2;
      ASSIGN_OR_RETURN(uint32_t low, Hex4());
      if (low >= 0xDC00 && low < 0xE000) return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    }
    return 0xFFFD;
  }

  // true, false, null or a number as JSON writes it: -?(0|[1-9][0-9]*)
  // (.[0-9]+)?([eE][+-]?[0-9]+)?.
  StatusOr<std::string> Literal() {
    const size_t start = position_;
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return std::string(word);
      }
    }
    Consume('-');
    if (!Consume('0') && Digits() == 0) return Error("unexpected character");
    if (Consume('.') && Digits() == 0) return Error("a number needs digits after '.'");
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (Digits() == 0) return Error("a number needs digits in its exponent");
    }
    return std::string(text_.substr(start, position_ - start));
  }

  // Skips decimal digits; returns how many.
  size_t Digits() {
    const size_t start = position_;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      ++position_;
    }
    return position_ - start;
  }

  Status Line(const std::string& path, const std::string& value) {
    if (!block_.empty()) block_.push_back('\n');
    block_ += path + ": " + value;
    if (++lines_in_block_ < kLinesPerBlock) return OkStatus();
    return FlushBlock();
  }

  Status FlushBlock() {
    Status status = builder_.Add(BlockKind::kTable, 0, 0, std::move(block_));
    block_.clear();
    lines_in_block_ = 0;
    return status;
  }

  void SkipSpace() {
    while (position_ < text_.size() &&
           std::string_view(" \t\n\r").find(text_[position_]) != std::string_view::npos) {
      ++position_;
    }
  }

  bool Consume(char c) {
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  Status Error(std::string_view what) const {
    return InvalidArgumentError("not valid JSON: " + std::string(what) + " at byte " +
                                std::to_string(position_));
  }

  std::string_view text_;
  const ConvertLimits& limits_;
  DocumentBuilder builder_;
  size_t position_ = 0;
  std::string block_;
  int lines_in_block_ = 0;
};

}  // namespace

StatusOr<StructuredDocument> ConvertJson(std::string_view text, const ConvertLimits& limits) {
  JsonFlattener flattener(text, limits);
  RETURN_IF_ERROR(flattener.Run());
  return std::move(flattener).Finish();
}

}  // namespace hearth
