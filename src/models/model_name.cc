#include "models/model_name.h"

#include <algorithm>
#include <optional>
#include <string>

#include "base/ascii.h"
#include "base/escaping.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

enum class Part { kHost, kNamespace, kModel, kTag };

constexpr size_t kMaxHostBytes = 255;  // one directory name
constexpr size_t kMaxPartBytes = 80;
constexpr size_t kMaxNameBytes = kMaxHostBytes + 3 * kMaxPartBytes + 3;

Status BadName(std::string_view text, std::string_view why) {
  return InvalidArgumentError("invalid model name " + QuoteForDisplay(text) + ": " +
                              std::string(why));
}

std::string PartName(Part part) {
  switch (part) {
    case Part::kHost: return "host";
    case Part::kNamespace: return "namespace";
    case Part::kModel: return "model";
    case Part::kTag: return "tag";
  }
  return "part";
}

std::string Allowed(Part part) {
  switch (part) {
    case Part::kHost: return "hosts may contain only letters, digits, '_', '-', '.' and a ':port'";
    case Part::kNamespace: return "namespaces may contain only letters, digits, '_' and '-'";
    case Part::kModel: return "models may contain only letters, digits, '_', '-' and '.'";
    case Part::kTag: return "tags may contain only letters, digits, '_', '-' and '.'";
  }
  return "";
}

// What a user most likely meant when a character is out of place.
std::string Hint(Part part, char c) {
  if (part == Part::kNamespace && (c == '.' || c == ':')) {
    return " (a host needs a namespace after it: host/namespace/model)";
  }
  if (part == Part::kModel && c == ':') return " (':' comes once, before the tag)";
  return "";
}

bool IsAsciiAlphanumeric(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsLeadCharacter(char c) { return IsAsciiAlphanumeric(c) || c == '_'; }

bool IsPartCharacter(Part part, char c) {
  return IsLeadCharacter(c) || c == '-' || (c == '.' && part != Part::kNamespace);
}

std::string DescribeCharacter(char c) {
  const auto byte = static_cast<unsigned char>(c);
  const std::string quoted = QuoteForDisplay(std::string_view(&c, 1));
  if (byte >= 0x80) return "the non-ASCII byte " + quoted + " (only ASCII letters are allowed)";
  if (byte < 0x20 || byte == 0x7F) return "the control character " + quoted;
  return "the character " + quoted;
}

Status CheckPort(std::string_view text, std::string_view port) {
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string_view::npos;
  unsigned value = 0;
  for (const char c : digits ? port : std::string_view()) value = value * 10 + (c - '0');
  if (!digits || value == 0 || value > 65535) {
    return BadName(text, "the host's port " + QuoteForDisplay(port) +
                             " is not a number from 1 to 65535");
  }
  return OkStatus();
}

Status CheckCharacters(std::string_view text, Part part, std::string_view value) {
  const std::string what = "the " + PartName(part) + " " + QuoteForDisplay(value);
  if (!IsLeadCharacter(value.front())) {
    return BadName(text, what + " must start with a letter, digit or '_'");
  }
  for (const char c : value) {
    if (IsPartCharacter(part, c)) continue;
    return BadName(text, what + " contains " + DescribeCharacter(c) + "; " + Allowed(part) +
                             Hint(part, c));
  }
  if (value.find("..") != std::string_view::npos) return BadName(text, what + " contains '..'");
  return OkStatus();
}

Status CheckPart(std::string_view text, Part part, std::string_view value) {
  if (value.empty()) return BadName(text, "the " + PartName(part) + " is empty");
  const size_t limit = part == Part::kHost ? kMaxHostBytes : kMaxPartBytes;
  if (value.size() > limit) {
    return BadName(text, "the " + PartName(part) + " is " + std::to_string(value.size()) +
                             " bytes long; the limit is " + std::to_string(limit));
  }
  if (part == Part::kHost) {
    const size_t colon = value.find(':');
    if (colon != std::string_view::npos) {
      RETURN_IF_ERROR(CheckPort(text, value.substr(colon + 1)));
      value = value.substr(0, colon);
      if (value.empty()) return BadName(text, "the host before the port is empty");
    }
  }
  return CheckCharacters(text, part, value);
}

// The pieces of a name as written, before any is checked; nullopt if absent.
struct Pieces {
  std::optional<std::string_view> host;
  std::optional<std::string_view> space;
  std::string_view model;
  std::optional<std::string_view> tag;
};

// Returns what follows the last `separator` in `text` (which must hold one)
// and shortens `text` to what precedes it.
std::string_view CutAfterLast(std::string_view& text, char separator) {
  const size_t at = text.rfind(separator);
  const std::string_view after = text.substr(at + 1);
  text = text.substr(0, at);
  return after;
}

Status CheckWhole(std::string_view text) {
  if (text.empty()) return BadName(text, "it is empty; give a model such as 'llama3.2:1b'");
  if (text.size() > kMaxNameBytes) {
    return BadName(text, "it is " + std::to_string(text.size()) + " bytes long; the limit is " +
                             std::to_string(kMaxNameBytes));
  }
  if (text.find("://") != std::string_view::npos) {
    return BadName(text, "leave out the URL scheme and write host/namespace/model");
  }
  return OkStatus();
}

// The tag follows the last ':' unless a '/' comes after it: then that ':'
// belongs to a host's port. The rest splits at '/' from the right.
StatusOr<Pieces> Split(std::string_view text) {
  Pieces pieces;
  std::string_view rest = text;
  const size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find('/', colon) == std::string_view::npos) {
    pieces.tag = CutAfterLast(rest, ':');
  }
  const auto slashes = std::count(rest.begin(), rest.end(), '/');
  if (slashes > 2) {
    return BadName(text, "it has " + std::to_string(slashes + 1) +
                             " '/'-separated parts; a name has at most 3 (host/namespace/model)");
  }
  pieces.model = slashes > 0 ? CutAfterLast(rest, '/') : rest;
  if (slashes == 2) pieces.space = CutAfterLast(rest, '/');
  if (slashes == 2) pieces.host = rest;
  if (slashes == 1) pieces.space = rest;
  return pieces;
}

Status CheckIfPresent(std::string_view text, Part part, std::optional<std::string_view> value) {
  return value ? CheckPart(text, part, *value) : OkStatus();
}

}  // namespace

StatusOr<ModelName> ParseModelName(std::string_view text) {
  RETURN_IF_ERROR(CheckWhole(text));
  ASSIGN_OR_RETURN(const Pieces pieces, Split(text));
  RETURN_IF_ERROR(CheckIfPresent(text, Part::kHost, pieces.host));
  RETURN_IF_ERROR(CheckIfPresent(text, Part::kNamespace, pieces.space));
  RETURN_IF_ERROR(CheckPart(text, Part::kModel, pieces.model));
  RETURN_IF_ERROR(CheckIfPresent(text, Part::kTag, pieces.tag));
  ModelName name;
  name.host_ = pieces.host.value_or(kDefaultModelHost);
  name.namespace_ = pieces.space.value_or(kDefaultModelNamespace);
  name.model_ = pieces.model;
  name.tag_ = pieces.tag.value_or(kDefaultModelTag);
  return name;
}

std::string ModelName::FullName() const {
  return host_ + "/" + namespace_ + "/" + model_ + ":" + tag_;
}

std::string ModelName::DisplayName() const {
  std::string prefix;
  if (!EqualsIgnoreAsciiCase(host_, kDefaultModelHost)) {
    prefix = host_ + "/" + namespace_ + "/";
  } else if (!EqualsIgnoreAsciiCase(namespace_, kDefaultModelNamespace)) {
    prefix = namespace_ + "/";
  }
  return prefix + model_ + ":" + tag_;
}

std::string ModelName::Key() const { return AsciiToLower(FullName()); }

std::array<std::string, 4> ModelName::ManifestPathParts() const {
  return {AsciiToLower(host_), AsciiToLower(namespace_), AsciiToLower(model_), AsciiToLower(tag_)};
}

std::string ModelName::ManifestPath() const {
  std::string path = "manifests";
  for (const std::string& part : ManifestPathParts()) path += "/" + part;
  return path;
}

bool ModelName::IsHuggingFace() const {
  return EqualsIgnoreAsciiCase(host_, "hf.co") || EqualsIgnoreAsciiCase(host_, "huggingface.co");
}

}  // namespace hearth
