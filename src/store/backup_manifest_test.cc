#include "store/backup_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace hearth {
namespace {

using ::testing::HasSubstr;

BackupManifest Sample() {
  BackupManifest manifest;
  manifest.files.push_back({.path = "hearth.db", .digest = Sha256Of("db"), .bytes = 4096});
  manifest.files.push_back({.path = "documents/blobs/" + Sha256Of("doc").FileName(),
                            .digest = Sha256Of("doc"),
                            .bytes = 3});
  manifest.files.push_back({.path = "models/manifests/registry.ollama.ai/library/x/latest",
                            .digest = Sha256Of("m"),
                            .bytes = 1});
  return manifest;
}

// The text of a manifest whose body is `body`, with a correct checksum.
std::string Sealed(const std::string& body) {
  const std::string text = "hearth-backup 1\n" + body;
  return text + "end " + Sha256Of(text).Hex() + "\n";
}

std::string FileLine(const std::string& path) {
  return "file " + Sha256Of("x").Hex() + " 1 " + path + "\n";
}

TEST(BackupManifestTest, RoundTrips) {
  const BackupManifest manifest = Sample();
  StatusOr<BackupManifest> read = BackupManifest::Parse(manifest.Serialize());
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->files.size(), 3u);
  EXPECT_EQ(read->files[1].path, manifest.files[1].path);
  EXPECT_EQ(read->files[1].digest, Sha256Of("doc"));
  EXPECT_EQ(read->files[0].bytes, 4096u);
  EXPECT_EQ(read->TotalBytes(), 4100u);
}

TEST(BackupManifestTest, AChangedByteBreaksTheChecksum) {
  std::string text = Sample().Serialize();
  text[text.find("4096")] = '5';
  const StatusOr<BackupManifest> read = BackupManifest::Parse(text);
  EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.status().message(), HasSubstr("checksum does not match"));
}

TEST(BackupManifestTest, TruncatedOrForeignTextIsRefused) {
  const std::string text = Sample().Serialize();
  EXPECT_THAT(BackupManifest::Parse(text.substr(0, text.size() / 2)).status().message(),
              HasSubstr("ends without 'end'"));
  EXPECT_THAT(BackupManifest::Parse("hello\n").status().message(),
              HasSubstr("does not start with 'hearth-backup 1'"));
  EXPECT_THAT(BackupManifest::Parse(text + "more\n").status().message(),
              HasSubstr("text after 'end'"));
}

TEST(BackupManifestTest, PathsOutsideTheBackupLayoutAreRefused) {
  for (const std::string path :
       {"../etc/passwd", "/etc/passwd", "documents/blobs/evil", "models/manifests/../../x",
        "index/ws-1.usearch", "documents/blobs/tmp/blob-1"}) {
    const StatusOr<BackupManifest> read =
        BackupManifest::Parse(Sealed(FileLine("hearth.db") + FileLine(path)));
    EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition) << path;
    EXPECT_THAT(read.status().message(), HasSubstr("a backup holds no file at")) << path;
  }
}

TEST(BackupManifestTest, DuplicatesBadFieldsAndAMissingDatabaseAreRefused) {
  EXPECT_THAT(BackupManifest::Parse(Sealed(FileLine("hearth.db") + FileLine("hearth.db")))
                  .status()
                  .message(),
              HasSubstr("listed twice"));
  EXPECT_THAT(BackupManifest::Parse(Sealed(FileLine("models/manifests/a/b"))).status().message(),
              HasSubstr("lists no hearth.db"));
  EXPECT_THAT(BackupManifest::Parse(Sealed("file xyz 1 hearth.db\n")).status().message(),
              HasSubstr("line 2: a checksum is not 64 hex digits"));
  EXPECT_THAT(BackupManifest::Parse(Sealed("file " + Sha256Of("x").Hex() + " -3 hearth.db\n"))
                  .status()
                  .message(),
              HasSubstr("the size is not a byte count"));
  EXPECT_THAT(BackupManifest::Parse(Sealed("blob 1 2 3\n")).status().message(),
              HasSubstr("unknown entry"));
}

}  // namespace
}  // namespace hearth
