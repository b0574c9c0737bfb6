#include "models/modelfile.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <utility>

#include "base/ascii.h"
#include "base/escaping.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "base/utf8.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTripleQuote = R"(""")";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// A recursive-descent reader over the whole text, one instruction at a time.
// It tracks the line number for error messages.
class ModelfileParser {
 public:
  explicit ModelfileParser(std::string_view text) : text_(text) {}

  StatusOr<Modelfile> Parse() {
    while (SkipSpaceAndComments()) RETURN_IF_ERROR(ParseInstruction());
    if (from_line_ == 0) {
      return InvalidArgumentError(
          "the Modelfile has no FROM line; add one naming a GGUF file or "
          "an installed model, e.g. FROM ./model.gguf");
    }
    // What no single line breaks (stop given too many times) is the file's.
    if (Status valid = ValidateModelParameters(result_.parameters); !valid.ok()) {
      return InvalidArgumentError("the Modelfile as a whole: " + valid.message());
    }
    return std::move(result_);
  }

 private:
  Status ErrorAt(int line, std::string_view message) const {
    return InvalidArgumentError("line " + std::to_string(line) + ": " + std::string(message));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void Advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }

  void SkipBlanks() {
    while (!AtEnd() && IsBlank(Peek())) Advance();
  }

  // Skips blank lines and comment lines; false at the end of the text.
  bool SkipSpaceAndComments() {
    while (!AtEnd()) {
      if (IsBlank(Peek()) || Peek() == '\n') {
        Advance();
      } else if (Peek() == '#') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else {
        return true;
      }
    }
    return false;
  }

  std::string_view ReadWord() {
    const size_t start = pos_;
    while (!AtEnd() && !IsBlank(Peek()) && Peek() != '\n') Advance();
    return text_.substr(start, pos_ - start);
  }

  Status ParseInstruction() {
    const int line = line_;
    const std::string word = AsciiToLower(ReadWord());
    SkipBlanks();
    if (word == "from") return ParseFrom(line);
    if (word == "parameter") return ParseParameter(line);
    if (word == "template") return ParseText(line, "TEMPLATE", &result_.template_text);
    if (word == "system") return ParseText(line, "SYSTEM", &result_.system);
    if (word == "license") return ParseText(line, "LICENSE", &result_.license);
    if (word == "adapter" || word == "message") {
      return ErrorAt(line, word == "adapter"
                               ? "ADAPTER is not supported by hearth; merge the adapter into "
                                 "the GGUF file first"
                               : "MESSAGE is not supported by hearth; put examples in SYSTEM");
    }
    return ErrorAt(line, "unknown instruction " + QuoteForDisplay(word, 40) +
                             "; a Modelfile knows FROM, PARAMETER, TEMPLATE, SYSTEM and LICENSE");
  }

  Status ParseFrom(int line) {
    if (from_line_ != 0) {
      return ErrorAt(line, "a second FROM (the first is on line " + std::to_string(from_line_) +
                               "); a Modelfile has exactly one");
    }
    from_line_ = line;
    ASSIGN_OR_RETURN(result_.from, ReadValue(line, "FROM"));
    if (result_.from.empty()) return ErrorAt(line, "FROM needs a GGUF file or a model name");
    return OkStatus();
  }

  Status ParseParameter(int line) {
    const std::string name = AsciiToLower(ReadWord());
    if (name.empty()) return ErrorAt(line, "PARAMETER needs a name and a value");
    SkipBlanks();
    ASSIGN_OR_RETURN(std::string value, ReadValue(line, "PARAMETER " + name));
    if (value.empty()) return ErrorAt(line, "PARAMETER " + name + " needs a value");
    Status valid = ValidateModelParameters({{name, {value}}});
    if (!valid.ok()) return ErrorAt(line, valid.message());
    auto [it, first] = parameter_lines_.try_emplace(name, line);
    if (!first && name != "stop") {
      return ErrorAt(line, "PARAMETER " + name + " is already set on line " +
                               std::to_string(it->second) + "; only stop may be repeated");
    }
    result_.parameters[name].push_back(std::move(value));
    return OkStatus();
  }

  Status ParseText(int line, std::string_view instruction, std::optional<std::string>* target) {
    ASSIGN_OR_RETURN(*target, ReadValue(line, instruction));
    return OkStatus();
  }

  // A value: """triple-quoted""", "quoted", or the rest of the line.
  StatusOr<std::string> ReadValue(int line, std::string_view instruction) {
    std::string value;
    if (text_.substr(pos_).starts_with(kTripleQuote)) {
      ASSIGN_OR_RETURN(value, ReadTripleQuoted(line, instruction));
    } else if (!AtEnd() && Peek() == '"') {
      ASSIGN_OR_RETURN(value, ReadQuoted(line, instruction));
    } else {
      return ReadRestOfLine();
    }
    SkipBlanks();
    if (!AtEnd() && Peek() != '\n') {
      return ErrorAt(line_, "unexpected text " + QuoteForDisplay(ReadWord(), 40) +
                                " after the closing quote of " + std::string(instruction));
    }
    return value;
  }

  StatusOr<std::string> ReadTripleQuoted(int line, std::string_view instruction) {
    const size_t start = pos_ + kTripleQuote.size();
    const size_t end = text_.find(kTripleQuote, start);
    if (end == std::string_view::npos) {
      return ErrorAt(line, "the triple-quoted " + std::string(instruction) +
                               " that starts here is never closed with \"\"\"");
    }
    while (pos_ < end + kTripleQuote.size()) Advance();
    return std::string(text_.substr(start, end - start));
  }

  // "..." with \" and \\ as escapes; any other backslash is kept as it is.
  StatusOr<std::string> ReadQuoted(int line, std::string_view instruction) {
    std::string value;
    Advance();
    while (!AtEnd() && Peek() != '"') {
      if (Peek() == '\\' && pos_ + 1 < text_.size() &&
          (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '\\')) {
        Advance();
      }
      value += Peek();
      Advance();
    }
    if (AtEnd()) {
      return ErrorAt(line, "the quoted " + std::string(instruction) +
                               " value that starts here is never closed with '\"'");
    }
    Advance();
    return value;
  }

  std::string ReadRestOfLine() {
    const size_t start = pos_;
    while (!AtEnd() && Peek() != '\n') Advance();
    std::string_view value = text_.substr(start, pos_ - start);
    while (!value.empty() && IsBlank(value.back())) value.remove_suffix(1);
    return std::string(value);
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int from_line_ = 0;
  std::map<std::string, int> parameter_lines_;
  Modelfile result_;
};

// The first line holding a NUL byte or invalid UTF-8, or 0.
int FirstBadLine(std::string_view text) {
  int line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    if (content.find('\0') != std::string_view::npos || !IsValidUtf8(content)) return line;
    start = end + 1;
    ++line;
  }
  return 0;
}

StatusOr<std::string> ReadSmallFile(const fs::path& path) {
  const std::string shown = QuoteForDisplay(path.string(), 4096);
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!file.valid()) return PosixError(errno, "cannot open Modelfile " + shown);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return PosixError(errno, "cannot inspect " + shown);
  if (!S_ISREG(info.st_mode)) return InvalidArgumentError(shown + " is not a regular file");
  if (static_cast<uint64_t>(info.st_size) > kMaxModelfileBytes) {
    return InvalidArgumentError("Modelfile " + shown + " has " + std::to_string(info.st_size) +
                                " bytes; at most 1 MiB is allowed");
  }
  std::string text(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t got = ::read(file.get(), text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return PosixError(errno, "cannot read " + shown);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  text.resize(done);
  return text;
}

bool LooksLikePath(std::string_view from) {
  if (from.starts_with('/') || from.starts_with('.') || from.starts_with('~')) return true;
  return from.size() >= 5 && EqualsIgnoreAsciiCase(from.substr(from.size() - 5), ".gguf");
}

fs::path ExpandPath(std::string_view from, const fs::path& base_dir) {
  const char* home = std::getenv("HOME");
  if (from.starts_with("~/") && home != nullptr && *home != '\0') {
    return fs::path(home) / std::string(from.substr(2));
  }
  fs::path path{std::string(from)};
  return path.is_absolute() ? path : base_dir / path;
}

// Writes a value so that ModelfileParser reads it back unchanged.
std::string FormatValue(std::string_view value) {
  const bool multi_line = value.find('\n') != std::string_view::npos;
  if (multi_line && value.find(kTripleQuote) == std::string_view::npos && !value.ends_with('"')) {
    return std::string(kTripleQuote) + std::string(value) + std::string(kTripleQuote);
  }
  const bool bare = !value.empty() && !multi_line && !IsBlank(value.front()) &&
                    !IsBlank(value.back()) && value.front() != '"';
  if (bare) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

StatusOr<Modelfile> ParseModelfile(std::string_view text) {
  if (text.size() > kMaxModelfileBytes) {
    return InvalidArgumentError("the Modelfile has " + std::to_string(text.size()) +
                                " bytes; at most 1 MiB is allowed");
  }
  if (int line = FirstBadLine(text); line != 0) {
    return InvalidArgumentError("line " + std::to_string(line) +
                                ": not UTF-8 text (a NUL byte or an invalid sequence); is this "
                                "a Modelfile?");
  }
  return ModelfileParser(text).Parse();
}

StatusOr<Modelfile> ReadModelfile(const fs::path& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
  StatusOr<Modelfile> modelfile = ParseModelfile(text);
  if (!modelfile.ok()) return modelfile.status().WithContext(path.string());
  return modelfile;
}

Status ResolveModelfileFrom(std::string_view from, const fs::path& base_dir, CreateSpec* spec) {
  const fs::path path = ExpandPath(from, base_dir);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) {
    return InvalidArgumentError("FROM " + QuoteForDisplay(from) +
                                " is a directory; hearth imports GGUF files only");
  }
  if (fs::exists(status)) {
    spec->from_file = path;
    return OkStatus();
  }
  if (LooksLikePath(from)) {
    return NotFoundError("FROM " + QuoteForDisplay(from) + ": no such file " +
                         QuoteForDisplay(path.string(), 4096));
  }
  StatusOr<ModelName> name = ParseModelName(from);
  if (!name.ok()) {
    return InvalidArgumentError(
        "FROM " + QuoteForDisplay(from) +
        " is neither an existing file nor a model name: " + name.status().message());
  }
  spec->from_model = *name;
  return OkStatus();
}

StatusOr<CreateSpec> ModelfileToCreateSpec(const Modelfile& modelfile, const fs::path& base_dir) {
  CreateSpec spec;
  RETURN_IF_ERROR(ResolveModelfileFrom(modelfile.from, base_dir, &spec));
  spec.template_text = modelfile.template_text;
  spec.system = modelfile.system;
  spec.license = modelfile.license;
  spec.parameters = modelfile.parameters;
  return spec;
}

std::string FormatModelfile(const Modelfile& modelfile) {
  std::string text = "FROM " + FormatValue(modelfile.from) + "\n";
  if (modelfile.template_text) text += "TEMPLATE " + FormatValue(*modelfile.template_text) + "\n";
  if (modelfile.system) text += "SYSTEM " + FormatValue(*modelfile.system) + "\n";
  for (const auto& [name, values] : modelfile.parameters) {
    for (const std::string& value : values) {
      text += "PARAMETER " + name + " " + FormatValue(value) + "\n";
    }
  }
  if (modelfile.license) text += "LICENSE " + FormatValue(*modelfile.license) + "\n";
  return text;
}

std::string GeneratedModelfile(const ResolvedModel& model) {
  Modelfile modelfile;
  modelfile.from =
      model.model_path.empty() ? model.entry.name.DisplayName() : model.model_path.string();
  if (!model.template_text.empty()) modelfile.template_text = model.template_text;
  if (!model.system.empty()) modelfile.system = model.system;
  if (!model.license.empty()) modelfile.license = model.license;
  modelfile.parameters = model.parameters;
  return "# Modelfile generated by \"hearth show\"\n"
         "# To build a new Modelfile based on this, replace FROM with:\n"
         "# FROM " +
         model.entry.name.DisplayName() + "\n\n" + FormatModelfile(modelfile);
}

}  // namespace hearth
