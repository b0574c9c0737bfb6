#include "store/blob_store.h"

#include <gmock/gmock.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kEmptyHex[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcHex[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::span<const uint8_t> Bytes(std::string_view text) {
  return std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::set<std::string> Names(const fs::path& directory) {
  std::set<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

unsigned Mode(const fs::path& path) {
  struct stat info{};
  return ::stat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

// Switches the effective user to "nobody" while it lives, so that permission
// checks apply to tests that run as root. Restores root on destruction.
class ScopedNobody {
 public:
  ScopedNobody() : switched_(::geteuid() == 0 && ::seteuid(65534) == 0) {}
  ~ScopedNobody() {
    if (switched_ && ::seteuid(0) != 0) std::abort();  // later tests would run as nobody
  }
  ScopedNobody(const ScopedNobody&) = delete;
  ScopedNobody& operator=(const ScopedNobody&) = delete;

 private:
  bool switched_;
};

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "hearth_blob_store_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = fs::canonical(pattern);
    root_ = dir_ / "models";
    blobs_ = root_ / "blobs";
    ASSERT_NO_FATAL_FAILURE(Reopen());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  void Reopen(std::chrono::seconds stale_age = std::chrono::hours(24)) {
    store_.reset();
    auto store = BlobStore::Open({.root = root_, .stale_temp_age = stale_age});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }

  StatusOr<Digest> Store(std::string_view content, std::optional<Digest> expected = {}) {
    auto writer = store_->NewWriter();
    if (!writer.ok()) return writer.status();
    Status appended = (*writer)->Append(Bytes(content));
    if (!appended.ok()) return appended;
    return (*writer)->Commit(expected);
  }

  // True when nothing but the empty tmp/ directory is in blobs/.
  bool StoreIsEmpty() const {
    return Names(blobs_) == std::set<std::string>{"tmp"} && Names(blobs_ / "tmp").empty();
  }

  fs::path dir_;
  fs::path root_;
  fs::path blobs_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, WritesCommitsAndReadsBack) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Append(Bytes("hello ")).ok());
  ASSERT_TRUE((*writer)->Append(Bytes("world")).ok());
  EXPECT_EQ((*writer)->bytes_written(), 11u);
  const StatusOr<Digest> digest = (*writer)->Commit();
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, Sha256Of("hello world"));

  const StatusOr<fs::path> path = store_->PathOf(*digest);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, blobs_ / digest->FileName());
  EXPECT_EQ(ReadAll(*path), "hello world");
  EXPECT_EQ(store_->SizeOf(*digest).value(), 11u);
  EXPECT_TRUE(store_->Contains(*digest));
  EXPECT_THAT(Names(blobs_ / "tmp"), IsEmpty());
}

TEST_F(BlobStoreTest, DigestsAreKnownAnswers) {
  const StatusOr<Digest> empty = Store("");
  const StatusOr<Digest> abc = Store("abc");
  ASSERT_TRUE(empty.ok() && abc.ok());
  EXPECT_EQ(empty->Hex(), kEmptyHex);
  EXPECT_EQ(abc->Hex(), kAbcHex);
  EXPECT_EQ(Names(blobs_), (std::set<std::string>{std::string("sha256-") + kEmptyHex,
                                                  std::string("sha256-") + kAbcHex, "tmp"}));
  EXPECT_EQ(store_->SizeOf(*empty).value(), 0u);
}

TEST_F(BlobStoreTest, MatchingExpectedDigestCommits) {
  const Digest expected = Digest::Parse(std::string("sha256:") + kAbcHex).value();
  const StatusOr<Digest> digest = Store("abc", expected);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_TRUE(store_->Contains(*digest));
}

TEST_F(BlobStoreTest, DigestMismatchLeavesNothing) {
  const Digest wanted = Sha256Of("abd");
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Bytes("abc")).ok());
  const StatusOr<Digest> digest = (*writer)->Commit(wanted);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(digest.status().message(),
              HasSubstr("digest mismatch: expected " + wanted.ToString() + ", got sha256:" +
                        kAbcHex));
  EXPECT_TRUE(StoreIsEmpty());
  EXPECT_FALSE(store_->Contains(wanted));
  EXPECT_FALSE(store_->Contains(Sha256Of("abc")));
  // The writer is spent.
  EXPECT_EQ((*writer)->Append(Bytes("x")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(BlobStoreTest, AbandonedWriterLeavesNothing) {
  {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(Bytes("partial data")).ok());
    EXPECT_EQ(Names(blobs_ / "tmp").size(), 1u);  // in progress, not under a final name
    EXPECT_EQ(Names(blobs_).size(), 1u);
  }
  EXPECT_TRUE(StoreIsEmpty());
}

TEST_F(BlobStoreTest, SameContentTwiceKeepsOneFile) {
  const StatusOr<Digest> first = Store("same");
  const StatusOr<Digest> second = Store("same");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(Names(blobs_), (std::set<std::string>{first->FileName(), "tmp"}));
  EXPECT_THAT(Names(blobs_ / "tmp"), IsEmpty());
}

TEST_F(BlobStoreTest, CommittedWriterRefusesMore) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  const Status appended = (*writer)->Append(Bytes("late"));
  EXPECT_EQ(appended.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(appended.message(), HasSubstr("already committed"));
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_->Contains(Sha256Of("")));  // the committed blob stays
}

TEST_F(BlobStoreTest, FilesArePrivate) {
  const StatusOr<Digest> digest = Store("secret");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(Mode(blobs_ / digest->FileName()), 0600u);
  EXPECT_EQ(Mode(root_), 0700u);
  EXPECT_EQ(Mode(blobs_), 0700u);
  EXPECT_EQ(Mode(blobs_ / "tmp"), 0700u);
}

TEST_F(BlobStoreTest, FileOfWrongSizeUnderABlobNameIsReplaced) {
  WriteFile(blobs_ / (std::string("sha256-") + kAbcHex), "x");
  const StatusOr<Digest> digest = Store("abc");
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(ReadAll(store_->PathOf(*digest).value()), "abc");
}

TEST_F(BlobStoreTest, ImportsAFile) {
  std::string content(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 131) >> 3);
  const fs::path source = dir_ / "model.gguf";
  WriteFile(source, content);

  const StatusOr<Digest> digest = store_->ImportFile(source);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, Sha256Of(content));
  EXPECT_EQ(ReadAll(store_->PathOf(*digest).value()), content);
  EXPECT_EQ(ReadAll(source), content);
  EXPECT_THAT(Names(blobs_ / "tmp"), IsEmpty());
}

TEST_F(BlobStoreTest, ImportRefusesMissingFilesDirectoriesAndFifos) {
  const StatusOr<Digest> missing = store_->ImportFile(dir_ / "nope.gguf");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.gguf"));

  const StatusOr<Digest> directory = store_->ImportFile(dir_);
  EXPECT_EQ(directory.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(directory.status().message(), HasSubstr("not a regular file"));

  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(store_->ImportFile(fifo).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StoreIsEmpty());
}

TEST_F(BlobStoreTest, ContainsPathOfSizeOfAndRemove) {
  const Digest digest = Sha256Of("abc");
  EXPECT_FALSE(store_->Contains(digest));
  const StatusOr<fs::path> absent = store_->PathOf(digest);
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(absent.status().message(), HasSubstr(digest.ToString()));
  EXPECT_EQ(store_->SizeOf(digest).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Remove(digest).code(), StatusCode::kNotFound);

  ASSERT_TRUE(Store("abc").ok());
  EXPECT_TRUE(store_->Contains(digest));
  EXPECT_EQ(store_->SizeOf(digest).value(), 3u);
  ASSERT_TRUE(store_->Remove(digest).ok());
  EXPECT_FALSE(store_->Contains(digest));
  EXPECT_FALSE(fs::exists(blobs_ / digest.FileName()));
  EXPECT_EQ(store_->Remove(digest).code(), StatusCode::kNotFound);
}

TEST_F(BlobStoreTest, SymbolicLinkOutOfTheStoreIsRefused) {
  const fs::path outside = dir_ / "outside";
  WriteFile(outside, "abc");
  const Digest digest = Sha256Of("abc");
  fs::create_symlink(outside, blobs_ / digest.FileName());
  EXPECT_EQ(store_->PathOf(digest).status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(store_->Contains(digest));
}

TEST_F(BlobStoreTest, OpenRefusesEmptyRootAndAFileAsRoot) {
  const auto empty = BlobStore::Open({});
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  WriteFile(dir_ / "file", "x");
  const auto file = BlobStore::Open({.root = dir_ / "file"});
  EXPECT_EQ(file.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(file.status().message(), HasSubstr("not a directory"));
}

TEST_F(BlobStoreTest, ReadOnlyRootGivesAClearError) {
  const fs::path read_only = dir_ / "read-only";
  fs::create_directories(read_only / "existing" / "blobs" / "tmp");
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  for (const fs::path& path : {read_only, read_only / "existing", read_only / "existing" / "blobs",
                               read_only / "existing" / "blobs" / "tmp"}) {
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  }
  ScopedNobody nobody;
  if (::faccessat(AT_FDCWD, read_only.c_str(), W_OK, AT_EACCESS) == 0) {
    GTEST_SKIP() << "permission bits do not bind this user (root without a 'nobody' to switch to)";
  }
  const auto fresh = BlobStore::Open({.root = read_only / "models"});
  EXPECT_EQ(fresh.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(fresh.status().message(), HasSubstr("cannot create directory"));
  EXPECT_THAT(fresh.status().message(), HasSubstr((read_only / "models").string()));

  const auto existing = BlobStore::Open({.root = read_only / "existing"});
  EXPECT_EQ(existing.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(existing.status().message(), HasSubstr("is not writable"));
  EXPECT_THAT(existing.status().message(), HasSubstr((read_only / "existing" / "blobs").string()));
}

TEST_F(BlobStoreTest, MissingTemporaryDirectoryIsAnErrorNotACrash) {
  fs::remove(blobs_ / "tmp");
  const auto writer = store_->NewWriter();
  EXPECT_EQ(writer.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(writer.status().message(), HasSubstr("cannot create a temporary blob file"));
  EXPECT_FALSE(store_->ImportFile(dir_).ok());
}

TEST_F(BlobStoreTest, VanishedTemporaryFileFailsCommitAndStoresNothing) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Bytes("abc")).ok());
  fs::remove_all(blobs_ / "tmp");
  const StatusOr<Digest> digest = (*writer)->Commit();
  EXPECT_FALSE(digest.ok());
  EXPECT_THAT(digest.status().message(), HasSubstr("cannot move blob"));
  EXPECT_FALSE(store_->Contains(Sha256Of("abc")));
}

TEST_F(BlobStoreTest, WriteErrorIsAStatusAndDiscardsTheData) {
  // A file-size limit makes write() fail with EFBIG, as a full disk makes it
  // fail with ENOSPC: the same path through the writer.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  auto writer = store_->NewWriter();
  const Status appended =
      writer.ok() ? (*writer)->Append(Bytes(std::string(10000, 'x'))) : writer.status();
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);

  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_FALSE(appended.ok());
  EXPECT_THAT(appended.message(), HasSubstr("cannot write blob data"));
  EXPECT_THAT(Names(blobs_ / "tmp"), IsEmpty());
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StoreIsEmpty());
}

// A writer killed (SIGKILL, as a crash or kill -9 of the server) before its
// Commit leaves nothing under a final name: readers never see half a blob,
// and the leftover in tmp/ is removed once stale.
TEST_F(BlobStoreTest, AWriterKilledMidBlobLeavesNothingUnderAFinalName) {
  const std::string content(3 << 20, 'k');
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = store_->NewWriter();
    if (writer.ok()) (void)(*writer)->Append(Bytes(std::string_view(content).substr(0, 1 << 20)));
    ::raise(SIGKILL);
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  EXPECT_EQ(Names(blobs_), std::set<std::string>{"tmp"}) << "no final name appeared";
  EXPECT_EQ(Names(blobs_ / "tmp").size(), 1u) << "the killed writer's temporary file";
  EXPECT_FALSE(store_->Contains(Sha256Of(content)));
  fs::last_write_time(*fs::directory_iterator(blobs_ / "tmp"),
                      fs::file_time_type::clock::now() - std::chrono::hours(1));
  ASSERT_NO_FATAL_FAILURE(Reopen(std::chrono::seconds(1)));
  EXPECT_TRUE(StoreIsEmpty()) << "the stale leftover is removed at the next open";
  ASSERT_TRUE(Store(content).ok()) << "the same blob can be written again";
}

TEST_F(BlobStoreTest, OpenRemovesOnlyStaleTemporaryFiles) {
  const fs::path stale = blobs_ / "tmp" / "blob-stale1";
  const fs::path fresh = blobs_ / "tmp" / "blob-fresh";
  WriteFile(stale, "left by a crash");
  WriteFile(fresh, "being written");
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(48));

  ASSERT_NO_FATAL_FAILURE(Reopen(std::chrono::seconds(0)));  // zero keeps everything
  EXPECT_EQ(Names(blobs_ / "tmp").size(), 2u);
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_THAT(Names(blobs_ / "tmp"), ElementsAre("blob-fresh"));
}

// Resumable writers (BlobStore::ResumeWriter), as a pull uses them.

TEST_F(BlobStoreTest, ResumedWriterContinuesAnInterruptedBlob) {
  const Digest expected = Sha256Of("hello world");
  {
    auto first = store_->ResumeWriter(expected);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ((*first)->bytes_written(), 0u);
    ASSERT_TRUE((*first)->Append(Bytes("hello ")).ok());
  }  // interrupted: destroyed without Commit
  EXPECT_THAT(Names(blobs_ / "tmp"), ElementsAre("partial-" + expected.FileName()));
  EXPECT_FALSE(store_->Contains(expected));

  auto second = store_->ResumeWriter(expected);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->bytes_written(), 6u);
  ASSERT_TRUE((*second)->Append(Bytes("world")).ok());
  const StatusOr<Digest> digest = (*second)->Commit(expected);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(ReadAll(store_->PathOf(expected).value()), "hello world");
  EXPECT_THAT(Names(blobs_ / "tmp"), IsEmpty());
}

TEST_F(BlobStoreTest, ResumedWriterRehashesWhatIsOnDisk) {
  const Digest expected = Sha256Of("hello world");
  // A partial file whose bytes differ from the blob's start (a corrupted
  // earlier download): the hash covers them, so the commit fails.
  WriteFile(blobs_ / "tmp" / ("partial-" + expected.FileName()), "HELLO ");
  auto writer = store_->ResumeWriter(expected);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->bytes_written(), 6u);
  ASSERT_TRUE((*writer)->Append(Bytes("world")).ok());
  const StatusOr<Digest> digest = (*writer)->Commit(expected);
  EXPECT_EQ(digest.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(digest.status().message(), HasSubstr("digest mismatch"));
  EXPECT_TRUE(StoreIsEmpty());
}

TEST_F(BlobStoreTest, AbortDeletesAResumablePartialFile) {
  const Digest expected = Sha256Of("abc");
  auto writer = store_->ResumeWriter(expected);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Append(Bytes("ab")).ok());
  (*writer)->Abort();
  EXPECT_TRUE(StoreIsEmpty());
  EXPECT_EQ((*writer)->Append(Bytes("c")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit(expected).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StoreIsEmpty());
}

TEST_F(BlobStoreTest, OneResumableWriterPerDigestAtATime) {
  const Digest expected = Sha256Of("abc");
  auto first = store_->ResumeWriter(expected);
  ASSERT_TRUE(first.ok()) << first.status();
  const auto second = store_->ResumeWriter(expected);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(expected.ToString()));
  first->reset();
  EXPECT_TRUE(store_->ResumeWriter(expected).ok());
}

TEST_F(BlobStoreTest, ResumeRefusesASymlinkPlantedAsThePartialFile) {
  const Digest expected = Sha256Of("abc");
  const fs::path outside = dir_ / "outside";
  WriteFile(outside, "secret");
  fs::create_symlink(outside, blobs_ / "tmp" / ("partial-" + expected.FileName()));
  const auto writer = store_->ResumeWriter(expected);
  EXPECT_FALSE(writer.ok());
  EXPECT_EQ(ReadAll(outside), "secret");
}

TEST_F(BlobStoreTest, RemovePartialDeletesOnlyAnUnheldPartialFile) {
  const Digest expected = Sha256Of("abc");
  EXPECT_TRUE(store_->RemovePartial(expected).ok());  // none: nothing to do
  {
    auto writer = store_->ResumeWriter(expected);
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Append(Bytes("ab")).ok());
    EXPECT_EQ(store_->RemovePartial(expected).code(), StatusCode::kUnavailable);
  }
  EXPECT_EQ(Names(blobs_ / "tmp").size(), 1u);
  EXPECT_TRUE(store_->RemovePartial(expected).ok());
  EXPECT_TRUE(StoreIsEmpty());
}

}  // namespace
}  // namespace hearth
