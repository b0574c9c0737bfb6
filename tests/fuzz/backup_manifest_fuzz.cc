// Fuzzes the backup manifest parser (store/backup_manifest.h), which reads
// the MANIFEST of a backup directory that `hearth restore` is pointed at.
// Invariants: every error is FailedPrecondition; an accepted manifest lists
// hearth.db, only paths a backup may hold (relative, inside the layout), each
// once; and it round-trips: Serialize of it parses back to the same files,
// and serializing that again gives the same bytes.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "base/paths.h"
#include "store/backup_manifest.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool SameFiles(const hearth::BackupManifest& a, const hearth::BackupManifest& b) {
  if (a.files.size() != b.files.size()) return false;
  for (size_t i = 0; i < a.files.size(); ++i) {
    const hearth::BackupFile& x = a.files[i];
    const hearth::BackupFile& y = b.files[i];
    if (x.path != y.path || x.digest != y.digest || x.bytes != y.bytes) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = hearth::BackupManifest::Parse(text);
  if (!manifest.ok()) {
    Check(manifest.status().code() == hearth::StatusCode::kFailedPrecondition);
    return 0;
  }
  std::set<std::string> paths;
  for (const hearth::BackupFile& file : manifest->files) {
    Check(hearth::IsBackupPath(file.path));
    Check(hearth::CheckSafeRelativeName(file.path).ok());
    Check(paths.insert(file.path).second);
  }
  Check(paths.contains("hearth.db"));
  const std::string serialized = manifest->Serialize();
  auto again = hearth::BackupManifest::Parse(serialized);
  Check(again.ok());
  Check(SameFiles(*manifest, *again));
  Check(again->Serialize() == serialized);
  return 0;
}
