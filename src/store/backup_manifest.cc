#include "store/backup_manifest.h"

#include <set>

#include "base/escaping.h"
#include "base/paths.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"

namespace hearth {
namespace {

constexpr std::string_view kHeader = "hearth-backup 1";
constexpr std::string_view kDatabase = "hearth.db";

Status Damaged(size_t line_number, std::string_view what) {
  return FailedPreconditionError("the backup manifest is damaged: line " +
                                 std::to_string(line_number) + ": " + std::string(what) +
                                 "; the backup cannot be trusted");
}

bool IsBlobPath(std::string_view path, std::string_view folder) {
  if (!path.starts_with(folder)) return false;
  return Digest::Parse(path.substr(folder.size())).ok();
}

// Splits off the next space-separated field of `rest`.
std::string_view NextField(std::string_view& rest) {
  const size_t space = rest.find(' ');
  std::string_view field = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return field;
}

StatusOr<Digest> ParseHex(std::string_view hex, size_t line_number) {
  StatusOr<Digest> digest = Digest::Parse("sha256-" + std::string(hex));
  if (!digest.ok()) return Damaged(line_number, "a checksum is not 64 hex digits");
  return digest;
}

StatusOr<BackupFile> ParseFileLine(std::string_view rest, size_t line_number) {
  BackupFile file;
  ASSIGN_OR_RETURN(file.digest, ParseHex(NextField(rest), line_number));
  StatusOr<int64_t> bytes = ParseInt64(NextField(rest));
  if (!bytes.ok() || *bytes < 0) return Damaged(line_number, "the size is not a byte count");
  file.bytes = static_cast<uint64_t>(*bytes);
  if (!CheckSafeRelativeName(rest).ok() || !IsBackupPath(rest)) {
    return Damaged(line_number, "a backup holds no file at " + QuoteForDisplay(rest));
  }
  file.path = std::string(rest);
  return file;
}

}  // namespace

bool IsBackupPath(std::string_view path) {
  if (path == kDatabase) return true;
  if (IsBlobPath(path, "documents/blobs/") || IsBlobPath(path, "models/blobs/")) return true;
  return path.starts_with("models/manifests/") && path.size() > 17 &&
         CheckSafeRelativeName(path).ok();
}

std::string BackupManifest::Serialize() const {
  std::string text = std::string(kHeader) + "\n";
  for (const BackupFile& file : files) {
    text += "file " + file.digest.Hex() + " " + std::to_string(file.bytes) + " " + file.path + "\n";
  }
  return text + "end " + Sha256Of(text).Hex() + "\n";
}

StatusOr<BackupManifest> BackupManifest::Parse(std::string_view text) {
  if (!text.starts_with(std::string(kHeader) + "\n")) {
    return Damaged(1, "it does not start with '" + std::string(kHeader) + "'");
  }
  BackupManifest manifest;
  std::set<std::string, std::less<>> seen;
  size_t offset = kHeader.size() + 1;
  for (size_t line_number = 2;; ++line_number) {
    const size_t newline = text.find('\n', offset);
    if (newline == std::string_view::npos) return Damaged(line_number, "it ends without 'end'");
    std::string_view rest = text.substr(offset, newline - offset);
    const std::string_view kind = NextField(rest);
    if (kind == "end") {
      ASSIGN_OR_RETURN(Digest expected, ParseHex(rest, line_number));
      if (Sha256Of(text.substr(0, offset)) != expected) {
        return Damaged(line_number, "its checksum does not match its content");
      }
      if (newline + 1 != text.size()) return Damaged(line_number + 1, "text after 'end'");
      if (!seen.contains(kDatabase)) return Damaged(line_number, "it lists no hearth.db");
      return manifest;
    }
    if (kind != "file") return Damaged(line_number, "unknown entry " + QuoteForDisplay(kind));
    ASSIGN_OR_RETURN(BackupFile file, ParseFileLine(rest, line_number));
    if (!seen.insert(file.path).second) {
      return Damaged(line_number, QuoteForDisplay(file.path) + " is listed twice");
    }
    manifest.files.push_back(std::move(file));
    offset = newline + 1;
  }
}

uint64_t BackupManifest::TotalBytes() const {
  uint64_t total = 0;
  for (const BackupFile& file : files) total += file.bytes;
  return total;
}

}  // namespace hearth
