// Backup and restore over real temporary homes: a database with a
// workspace and a document, the document's original, and model files.
#include "app/backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "app/restore.h"
#include "models/model_manifest.h"
#include "store/blob_store.h"
#include "store/database.h"
#include "store/document_table.h"
#include "store/home_lock.h"
#include "store/workspace_table.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kOriginal[] = "the original document, as uploaded";
constexpr char kModelManifest[] = "models/manifests/registry.ollama.ai/library/tiny/latest";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

Digest StoreBlob(const fs::path& root, std::string_view content) {
  auto store = BlobStore::Open({.root = root});
  EXPECT_TRUE(store.ok()) << store.status();
  auto writer = (*store)->NewWriter();
  EXPECT_TRUE(
      (*writer)->Append({reinterpret_cast<const uint8_t*>(content.data()), content.size()}).ok());
  return (*writer)->Commit().value();
}

int64_t Count(const fs::path& db_path, const std::string& table) {
  auto db = Database::Open({.path = db_path});
  EXPECT_TRUE(db.ok()) << db.status();
  auto stmt = (*db)->Prepare("SELECT count(*) FROM " + table);
  if (!stmt.ok() || !stmt->Step().value_or(false)) return -1;
  return stmt->ColumnInt(0);
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-backup-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    home_ = root_ / "home";
    backup_ = root_ / "backup";
    fresh_ = root_ / "fresh";
    ASSERT_NO_FATAL_FAILURE(MakeHome(home_, "docs"));
  }
  void TearDown() override { fs::remove_all(root_); }

  // A home with one workspace `slug` holding one document, its original,
  // and one model (a blob and its manifest).
  static void MakeHome(const fs::path& home, const std::string& slug) {
    fs::create_directories(home);
    auto db = Database::Open({.path = home / "hearth.db"});
    ASSERT_TRUE(db.ok()) << db.status();
    auto workspace = WorkspaceTable(**db).Create(slug, {.name = slug});
    ASSERT_TRUE(workspace.ok()) << workspace.status();
    const Digest original = StoreBlob(home / "documents", kOriginal + slug);
    ASSERT_TRUE(DocumentTable(**db)
                    .Insert({.workspace_id = *workspace,
                             .name = slug + ".txt",
                             .blob_digest = original.FileName(),
                             .bytes = static_cast<int64_t>(std::string(kOriginal + slug).size())})
                    .ok());
    const Digest weights = StoreBlob(home / "models", "model weights of " + slug);
    WriteFile(home / kModelManifest, ManifestNaming(weights));
  }

  // A model manifest whose config and one layer are `blob`.
  static std::string ManifestNaming(const Digest& blob) {
    ModelManifest manifest;
    manifest.config = {.media_type = "application/vnd.docker.container.image.v1+json",
                       .digest = blob, .size = 1};
    manifest.layers.push_back({.media_type = std::string(kModelLayerType), .digest = blob, .size = 1});
    return SerializeManifest(manifest);
  }

  StatusOr<BackupSummary> Backup() { return CreateBackup(home_, backup_); }

  // The backup's copy of the one original.
  fs::path BackedUpOriginal() {
    for (const auto& entry : fs::directory_iterator(backup_ / "documents" / "blobs"))
      return entry.path();
    return {};
  }

  fs::path root_, home_, backup_, fresh_;
};

TEST_F(BackupTest, RestoreIntoAFreshHomeBringsBackEverything) {
  const StatusOr<BackupSummary> summary = Backup();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->documents, 1u);
  EXPECT_EQ(summary->model_files, 2u);
  EXPECT_EQ(summary->files, 4u);
  EXPECT_TRUE(fs::exists(backup_ / "MANIFEST"));
  EXPECT_FALSE(fs::exists(backup_ / "documents" / "blobs" / "tmp"))
      << "temporary files are skipped";

  const StatusOr<RestoreSummary> restored = RestoreBackup(backup_, fresh_, {});
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->files, 4u);
  EXPECT_EQ(Count(fresh_ / "hearth.db", "documents"), 1);
  EXPECT_EQ(Count(fresh_ / "hearth.db", "workspaces"), 1);
  EXPECT_EQ(ReadAll(fresh_ / "documents" / "blobs" / BackedUpOriginal().filename()),
            std::string(kOriginal) + "docs");
  EXPECT_EQ(ReadAll(fresh_ / kModelManifest), ReadAll(home_ / kModelManifest));
  EXPECT_FALSE(fs::exists(fresh_ / ".restore-staging"));
}

TEST_F(BackupTest, AModelWhoseBlobsAreGoneIsLeftOutWhole) {
  // A model removed while the backup ran: its manifest was copied, its blob
  // was deleted before the blobs were listed.
  const std::string removed = "models/manifests/registry.ollama.ai/library/gone/latest";
  const Digest missing = *Digest::Parse("sha256:" + std::string(64, 'a'));
  fs::create_directories((home_ / removed).parent_path());
  WriteFile(home_ / removed, ManifestNaming(missing));

  const StatusOr<BackupSummary> summary = Backup();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->model_files, 2u) << "the whole model, not its dangling manifest";
  EXPECT_EQ(summary->files, 4u);
  EXPECT_FALSE(fs::exists(backup_ / removed));
  EXPECT_EQ(ReadAll(backup_ / "MANIFEST").find("library/gone"), std::string::npos);

  const StatusOr<RestoreSummary> restored = RestoreBackup(backup_, fresh_, {});
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(fs::exists(fresh_ / removed));
  EXPECT_EQ(ReadAll(fresh_ / kModelManifest), ReadAll(home_ / kModelManifest))
      << "the complete model is restored";
}

TEST_F(BackupTest, ABackupTakenWhileTheServerWritesHoldsEveryEarlierCommit) {
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::thread writer([&] {
    auto db = Database::Open({.path = home_ / "hearth.db"});
    for (int i = 0; db.ok() && !stop.load(); ++i) {
      if (WorkspaceTable(**db).Create("w" + std::to_string(i), {.name = "w"}).ok()) ++committed;
    }
  });
  while (committed.load() < 20) std::this_thread::yield();
  const int before = committed.load();
  StatusOr<BackupSummary> summary = NotFoundError("not run");
  {
    StatusOr<HomeLock> server = HomeLock::Acquire(home_, HomeLock::Mode::kShared);  // a live server
    ASSERT_TRUE(server.ok());
    summary = Backup();
  }
  stop = true;
  writer.join();
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_TRUE(RestoreBackup(backup_, fresh_, {}).ok());
  EXPECT_GE(Count(fresh_ / "hearth.db", "workspaces"), 1 + before);
}

TEST_F(BackupTest, BackupRefusesANonEmptyTargetAndAHomeWithoutData) {
  WriteFile(backup_ / "something", "x");
  const StatusOr<BackupSummary> taken = Backup();
  EXPECT_EQ(taken.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(taken.status().message(), HasSubstr("is not empty"));
  EXPECT_EQ(CreateBackup(root_ / "nowhere", root_ / "b2").status().code(), StatusCode::kNotFound);
}

TEST_F(BackupTest, ADamagedOriginalIsReportedNotBackedUp) {
  for (const auto& entry : fs::directory_iterator(home_ / "documents" / "blobs")) {
    if (entry.is_regular_file()) WriteFile(entry.path(), "bit rot");
  }
  const StatusOr<BackupSummary> summary = Backup();
  EXPECT_EQ(summary.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(summary.status().message(), HasSubstr("does not match its name"));
  EXPECT_FALSE(fs::exists(backup_ / "MANIFEST"));
}

class RestoreRefusalTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    ASSERT_TRUE(Backup().ok());
    ASSERT_NO_FATAL_FAILURE(MakeHome(fresh_, "other"));
    before_ = ReadAll(fresh_ / "hearth.db");
    before_manifest_ = ReadAll(fresh_ / kModelManifest);
  }

  // The target home is exactly as it was: its own database and documents.
  void ExpectTargetUntouched() {
    EXPECT_EQ(ReadAll(fresh_ / "hearth.db"), before_);
    EXPECT_EQ(ReadAll(fresh_ / kModelManifest), before_manifest_);
    EXPECT_FALSE(fs::exists(fresh_ / ".restore-staging"));
  }

  std::string before_;
  std::string before_manifest_;
};

TEST_F(RestoreRefusalTest, AHomeWithDataNeedsForce) {
  const StatusOr<RestoreSummary> refused = RestoreBackup(backup_, fresh_, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("already holds hearth data"));
  EXPECT_THAT(refused.status().message(), HasSubstr("--force"));
  ExpectTargetUntouched();
}

TEST_F(RestoreRefusalTest, ACorruptedFileIsRefusedAndNothingIsOverwritten) {
  WriteFile(BackedUpOriginal(), "tampered");
  const StatusOr<RestoreSummary> refused = RestoreBackup(backup_, fresh_, {.force = true});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("the backup is damaged: 'documents/blobs/sha256-"));
  EXPECT_THAT(refused.status().message(), HasSubstr("nothing was restored"));
  ExpectTargetUntouched();
}

TEST_F(RestoreRefusalTest, AMissingFileOrManifestIsRefused) {
  fs::remove(BackedUpOriginal());
  StatusOr<RestoreSummary> refused = RestoreBackup(backup_, fresh_, {.force = true});
  EXPECT_THAT(refused.status().message(), HasSubstr("the backup is incomplete"));
  ExpectTargetUntouched();
  fs::remove(backup_ / "MANIFEST");
  refused = RestoreBackup(backup_, fresh_, {.force = true});
  EXPECT_THAT(refused.status().message(), HasSubstr("is not a complete hearth backup"));
  ExpectTargetUntouched();
}

TEST_F(RestoreRefusalTest, ATamperedManifestIsRefused) {
  std::string manifest = ReadAll(backup_ / "MANIFEST");
  manifest[manifest.find("file ") + 5] ^= 1;
  WriteFile(backup_ / "MANIFEST", manifest);
  const StatusOr<RestoreSummary> refused = RestoreBackup(backup_, fresh_, {.force = true});
  EXPECT_THAT(refused.status().message(), HasSubstr("the backup manifest is damaged"));
  ExpectTargetUntouched();
}

TEST_F(RestoreRefusalTest, ARunningServerIsRefused) {
  StatusOr<HomeLock> server = HomeLock::Acquire(fresh_, HomeLock::Mode::kShared);
  ASSERT_TRUE(server.ok());
  const StatusOr<RestoreSummary> refused = RestoreBackup(backup_, fresh_, {.force = true});
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("stop it first"));
  ExpectTargetUntouched();
}

TEST_F(RestoreRefusalTest, ForceReplacesTheDataAndDropsTheOldWal) {
  WriteFile(fresh_ / "hearth.db-wal", std::string(4096, 'w'));  // would corrupt the restored file
  WriteFile(fresh_ / "index" / "ws-1-x-f16.usearch", "stale");
  const StatusOr<RestoreSummary> restored = RestoreBackup(backup_, fresh_, {.force = true});
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(fs::exists(fresh_ / "index"));
  auto db = Database::Open({.path = fresh_ / "hearth.db"});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_TRUE((*db)->IntegrityProblems().value().empty());
  auto slug = (*db)->Prepare("SELECT slug FROM workspaces");
  ASSERT_TRUE(slug.ok() && slug->Step().value_or(false));
  EXPECT_EQ(slug->ColumnText(0), "docs");
  EXPECT_EQ(std::distance(fs::directory_iterator(fresh_ / "documents" / "blobs"),
                          fs::directory_iterator()),
            1);
  EXPECT_EQ(ReadAll(fresh_ / kModelManifest), ReadAll(home_ / kModelManifest));
}

}  // namespace
}  // namespace hearth
