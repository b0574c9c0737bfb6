#include "rag/vector_index.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/digest.h"
#include "usearch/index.hpp"

namespace hearth {
namespace {

using ::testing::HasSubstr;

constexpr size_t kDims = 384;

// Random unit vectors shaped like embeddings: a random point of a 32-d
// latent space mapped into 384-d, plus noise (i.i.d. 384-d noise has no
// neighbourhoods for any index to find).
std::vector<float> RandomVectors(size_t count, size_t dims, uint32_t seed) {
  std::normal_distribution<float> normal;
  static const std::vector<float> basis = [&] {
    std::mt19937 rng(777);
    std::vector<float> values(32 * kDims);
    for (float& value : values) value = normal(rng);
    return values;
  }();
  std::mt19937 rng(seed);
  std::vector<float> out(count * dims);
  for (size_t i = 0; i < count; ++i) {
    std::array<float, 32> latent;
    for (float& value : latent) value = normal(rng);
    float norm = 0;
    for (size_t d = 0; d < dims; ++d) {
      float value = 0.3f * normal(rng);
      for (size_t k = 0; k < latent.size(); ++k) value += latent[k] * basis[k * kDims + d % kDims];
      out[i * dims + d] = value;
      norm += value * value;
    }
    for (size_t d = 0; d < dims; ++d) out[i * dims + d] /= std::sqrt(norm);
  }
  return out;
}

std::span<const float> Row(const std::vector<float>& data, size_t i, size_t dims = kDims) {
  return std::span<const float>(data).subspan(i * dims, dims);
}

// The exact top k by cosine similarity (vectors are normalized).
std::vector<uint64_t> ExactTop(const std::vector<float>& data, size_t count,
                               std::span<const float> query, size_t k) {
  std::vector<std::pair<float, uint64_t>> scored;
  for (size_t i = 0; i < count; ++i) {
    float dot = 0;
    for (size_t d = 0; d < kDims; ++d) dot += data[i * kDims + d] * query[d];
    scored.emplace_back(-dot, i);
  }
  std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(k), scored.end());
  std::vector<uint64_t> keys;
  for (size_t i = 0; i < k; ++i) keys.push_back(scored[i].second);
  return keys;
}

std::unique_ptr<VectorIndex> Filled(const std::vector<float>& data, size_t count,
                                    VectorScalar scalar) {
  StatusOr<std::unique_ptr<VectorIndex>> index =
      VectorIndex::Create({.dimensions = kDims, .scalar = scalar});
  EXPECT_TRUE(index.ok()) << index.status();
  std::vector<uint64_t> keys(count);
  for (size_t i = 0; i < count; ++i) keys[i] = i;
  const Status added = (*index)->AddBatch(keys, std::span<const float>(data).first(count * kDims));
  EXPECT_TRUE(added.ok()) << added;
  return std::move(*index);
}

std::vector<uint64_t> KeysOf(const std::vector<VectorMatch>& matches) {
  std::vector<uint64_t> keys;
  for (const VectorMatch& match : matches) keys.push_back(match.key);
  return keys;
}

double RecallAt10(const VectorIndex& index, const std::vector<float>& data, size_t count) {
  const std::vector<float> queries = RandomVectors(100, kDims, 99);
  size_t found = 0;
  for (size_t q = 0; q < 100; ++q) {
    const std::vector<uint64_t> exact = ExactTop(data, count, Row(queries, q), 10);
    const StatusOr<std::vector<VectorMatch>> approx = index.Search(Row(queries, q), 10);
    EXPECT_TRUE(approx.ok());
    const std::vector<uint64_t> keys = KeysOf(*approx);
    const std::set<uint64_t> got(keys.begin(), keys.end());
    for (uint64_t key : exact) found += got.count(key);
  }
  return static_cast<double>(found) / 1000.0;
}

class VectorIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("hearth-vector-index-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Saves a small index and returns its path.
  std::filesystem::path SavedIndex(const std::vector<float>& data, size_t count) {
    const std::unique_ptr<VectorIndex> index = Filled(data, count, VectorScalar::kF16);
    const std::filesystem::path path = dir_ / "ws-1.usearch";
    const Status saved = index->Save(path, {.embedder_id = "sha256-abc", .applied_sequence = 42});
    EXPECT_TRUE(saved.ok()) << saved;
    return path;
  }

  static std::vector<char> ReadAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteAll(const std::filesystem::path& path, const std::vector<char>& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  std::filesystem::path dir_;
  const VectorIndexExpectation expected_{.embedder_id = "sha256-abc", .dimensions = kDims};
};

TEST_F(VectorIndexTest, SearchExpansionTradesRecallAndRefusesZero) {
  const std::vector<float> data = RandomVectors(5000, kDims, 15);
  const std::unique_ptr<VectorIndex> index = Filled(data, 5000, VectorScalar::kF16);
  ASSERT_TRUE(index->SetExpansionSearch(1).ok());
  const double narrow = RecallAt10(*index, data, 5000);
  ASSERT_TRUE(index->SetExpansionSearch(256).ok());
  const double wide = RecallAt10(*index, data, 5000);
  EXPECT_LT(narrow, wide);
  EXPECT_GE(wide, 0.99);
  const Status zero = index->SetExpansionSearch(0);
  EXPECT_EQ(zero.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(zero.message(), HasSubstr("expansion"));
  EXPECT_DOUBLE_EQ(RecallAt10(*index, data, 5000), wide);  // the refused value changed nothing
}

TEST_F(VectorIndexTest, RecallAt10IsHighForF16AndI8) {
  const std::vector<float> data = RandomVectors(10000, kDims, 1);
  for (VectorScalar scalar : {VectorScalar::kF16, VectorScalar::kI8}) {
    const std::unique_ptr<VectorIndex> index = Filled(data, 10000, scalar);
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(index->size(), 10000u);
    EXPECT_GT(index->memory_bytes(), 10000u * kDims / (scalar == VectorScalar::kI8 ? 1 : 2) / 2);
    EXPECT_GE(RecallAt10(*index, data, 10000), 0.95) << VectorScalarName(scalar);
  }
}

// Batches of thousands are added by several threads (a rebuild); one that
// repeats a key, or names a key the index holds, is added in order, so the
// last vector given for a key is the one kept, as for small batches.
TEST_F(VectorIndexTest, LargeBatchesKeepEveryKeyAndRepeatedKeysKeepTheLastVector) {
  const size_t count = 6000;
  const std::vector<float> data = RandomVectors(count, kDims, 11);
  const std::unique_ptr<VectorIndex> index = Filled(data, count, VectorScalar::kF16);
  ASSERT_EQ(index->size(), count);
  for (uint64_t key : {0u, 1234u, 5999u}) {
    const StatusOr<std::vector<VectorMatch>> top = index->Search(Row(data, key), 1);
    ASSERT_TRUE(top.ok());
    EXPECT_EQ(KeysOf(*top), std::vector<uint64_t>{key});
  }

  // Key 10 again (now vector 4000's) among 5000 new keys.
  std::vector<uint64_t> keys = {10};
  std::vector<float> vectors(Row(data, 4000).begin(), Row(data, 4000).end());
  const std::vector<float> more = RandomVectors(5000, kDims, 12);
  for (uint64_t i = 0; i < 5000; ++i) keys.push_back(count + i);
  vectors.insert(vectors.end(), more.begin(), more.end());
  ASSERT_TRUE(index->AddBatch(keys, vectors).ok());
  EXPECT_EQ(index->size(), count + 5000);
  const StatusOr<std::vector<VectorMatch>> replaced = index->Search(Row(data, 4000), 2);
  ASSERT_TRUE(replaced.ok());
  EXPECT_THAT(KeysOf(*replaced), ::testing::UnorderedElementsAre(10u, 4000u));

  // The same new key twice in one large batch: the second vector is kept.
  keys.assign({20000, 20000});
  vectors.assign(Row(data, 1).begin(), Row(data, 1).end());
  vectors.insert(vectors.end(), Row(data, 2).begin(), Row(data, 2).end());
  for (uint64_t i = 0; i < 5000; ++i) {
    keys.push_back(30000 + i);
    vectors.insert(vectors.end(), Row(more, i).begin(), Row(more, i).end());
  }
  ASSERT_TRUE(index->AddBatch(keys, vectors).ok());
  EXPECT_EQ(index->size(), count + 10001);
  const StatusOr<std::vector<VectorMatch>> last = index->Search(Row(data, 2), 2);
  ASSERT_TRUE(last.ok());
  EXPECT_THAT(KeysOf(*last), ::testing::UnorderedElementsAre(2u, 20000u));
}

TEST_F(VectorIndexTest, SimilaritiesMatchExactCosine) {
  const std::vector<float> data = RandomVectors(500, kDims, 2);
  for (VectorScalar scalar : {VectorScalar::kF16, VectorScalar::kI8}) {
    const std::unique_ptr<VectorIndex> index = Filled(data, 500, scalar);
    const StatusOr<std::vector<VectorMatch>> top = index->Search(Row(data, 7), 3);
    ASSERT_TRUE(top.ok());
    ASSERT_EQ(top->size(), 3u);
    EXPECT_EQ((*top)[0].key, 7u);
    for (const VectorMatch& match : *top) {
      float dot = 0;
      for (size_t d = 0; d < kDims; ++d) dot += data[7 * kDims + d] * data[match.key * kDims + d];
      EXPECT_NEAR(match.similarity, dot, 0.01) << VectorScalarName(scalar);
      EXPECT_NEAR(match.distance, 1 - dot, 0.01);
    }
    EXPECT_LE((*top)[0].distance, (*top)[1].distance);
    EXPECT_LE((*top)[1].distance, (*top)[2].distance);
  }
}

TEST_F(VectorIndexTest, RemoveForgetsTheKeyAndAddReplaces) {
  const std::vector<float> data = RandomVectors(200, kDims, 3);
  const std::unique_ptr<VectorIndex> index = Filled(data, 200, VectorScalar::kF16);
  ASSERT_TRUE(index->Remove(7).ok());
  ASSERT_TRUE(index->Remove(7).ok());  // absent: still OK
  EXPECT_FALSE(index->Contains(7));
  EXPECT_EQ(index->size(), 199u);
  const StatusOr<std::vector<VectorMatch>> top = index->Search(Row(data, 7), 10);
  ASSERT_TRUE(top.ok());
  for (const VectorMatch& match : *top) EXPECT_NE(match.key, 7u);

  ASSERT_TRUE(index->Add(8, Row(data, 9)).ok());  // key 8 now holds vector 9
  EXPECT_EQ(index->size(), 199u);
  const StatusOr<std::vector<VectorMatch>> again = index->Search(Row(data, 9), 2);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(KeysOf(*again), ::testing::UnorderedElementsAre(8u, 9u));
}

TEST_F(VectorIndexTest, FilterKeepsOnlyAcceptedKeys) {
  const std::vector<float> data = RandomVectors(1000, kDims, 4);
  const std::unique_ptr<VectorIndex> index = Filled(data, 1000, VectorScalar::kF16);
  const StatusOr<std::vector<VectorMatch>> top =
      index->Search(Row(data, 3), 5, [](uint64_t key) { return key % 2 == 0; });
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 5u);
  for (const VectorMatch& match : *top) EXPECT_EQ(match.key % 2, 0u);
}

TEST_F(VectorIndexTest, BadInputsAreRefusedAndChangeNothing) {
  const std::vector<float> data = RandomVectors(10, kDims, 5);
  const std::unique_ptr<VectorIndex> index = Filled(data, 10, VectorScalar::kF16);
  const std::vector<float> short_vector(kDims - 1, 0.1f);
  EXPECT_THAT(index->Add(100, short_vector).message(), HasSubstr("383 dimensions"));
  std::vector<float> nan_vector(Row(data, 0).begin(), Row(data, 0).end());
  nan_vector[5] = std::nanf("");
  EXPECT_EQ(index->Add(100, nan_vector).code(), StatusCode::kInvalidArgument);
  const std::vector<uint64_t> keys = {100, 101};
  std::vector<float> batch(2 * kDims, 0.05f);
  batch[kDims + 1] = INFINITY;
  EXPECT_THAT(index->AddBatch(keys, batch).message(), HasSubstr("vector 1"));
  EXPECT_EQ(index->AddBatch(keys, short_vector).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 10u);
  EXPECT_FALSE(index->Contains(100));
  EXPECT_EQ(index->Search(short_vector, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VectorIndex::Create({.dimensions = 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(VectorIndexTest, SaveAndOpenGiveIdenticalResults) {
  const std::vector<float> data = RandomVectors(2000, kDims, 6);
  const std::unique_ptr<VectorIndex> index = Filled(data, 2000, VectorScalar::kF16);
  ASSERT_TRUE(index->Remove(11).ok());
  const std::filesystem::path path = dir_ / "round.usearch";
  ASSERT_TRUE(index->Save(path, {.embedder_id = "sha256-abc", .applied_sequence = 42}).ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);  // no temp left

  for (VectorIndexOpenMode mode : {VectorIndexOpenMode::kLoad, VectorIndexOpenMode::kMemoryMap}) {
    StatusOr<std::unique_ptr<VectorIndex>> opened = VectorIndex::Open(path, expected_, mode);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ((*opened)->header().embedder_id, "sha256-abc");
    EXPECT_EQ((*opened)->header().applied_sequence, 42);
    EXPECT_EQ((*opened)->size(), 1999u);
    EXPECT_EQ((*opened)->Keys(), index->Keys());
    const std::vector<float> queries = RandomVectors(20, kDims, 7);
    for (size_t q = 0; q < 20; ++q) {
      const auto before = index->Search(Row(queries, q), 10);
      const auto after = (*opened)->Search(Row(queries, q), 10);
      ASSERT_TRUE(before.ok() && after.ok());
      EXPECT_EQ(KeysOf(*after), KeysOf(*before));
    }
  }
}

TEST_F(VectorIndexTest, LoadedIndexCanChangeButMappedIndexCannot) {
  const std::vector<float> data = RandomVectors(100, kDims, 8);
  const std::filesystem::path path = SavedIndex(data, 50);
  StatusOr<std::unique_ptr<VectorIndex>> loaded = VectorIndex::Open(path, expected_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE((*loaded)->Add(60, Row(data, 60)).ok());
  EXPECT_TRUE((*loaded)->Remove(1).ok());
  EXPECT_EQ((*loaded)->size(), 50u);
  StatusOr<std::unique_ptr<VectorIndex>> mapped =
      VectorIndex::Open(path, expected_, VectorIndexOpenMode::kMemoryMap);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ((*mapped)->Add(60, Row(data, 60)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*mapped)->Remove(1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*mapped)->size(), 50u);
}

TEST_F(VectorIndexTest, ManyConcurrentSearchesOnAMappedIndex) {
  const std::vector<float> data = RandomVectors(300, kDims, 14);
  const std::filesystem::path path = SavedIndex(data, 300);
  StatusOr<std::unique_ptr<VectorIndex>> mapped =
      VectorIndex::Open(path, expected_, VectorIndexOpenMode::kMemoryMap);
  ASSERT_TRUE(mapped.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 24; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < 10; ++i) {
        const size_t key = static_cast<size_t>(t) * 10 + i;
        const auto top = (*mapped)->Search(Row(data, key), 1);
        if (!top.ok() || top->empty() || (*top)[0].key != key) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(VectorIndexTest, FlippedPayloadByteIsCorrupt) {
  const std::filesystem::path path = SavedIndex(RandomVectors(100, kDims, 9), 100);
  std::vector<char> bytes = ReadAll(path);
  bytes[bytes.size() - 100] ^= 0x01;
  WriteAll(path, bytes);
  const auto opened = VectorIndex::Open(path, expected_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInternal);
  EXPECT_THAT(opened.status().message(), HasSubstr("is corrupt: checksum mismatch"));
  EXPECT_EQ(ReadAll(path), bytes);  // nothing rewritten
}

TEST_F(VectorIndexTest, FlippedHeaderByteIsCorrupt) {
  const std::filesystem::path path = SavedIndex(RandomVectors(100, kDims, 9), 100);
  std::vector<char> bytes = ReadAll(path);
  bytes[24] ^= 0x01;  // the applied sequence
  WriteAll(path, bytes);
  EXPECT_THAT(VectorIndex::Open(path, expected_).status().message(),
              HasSubstr("checksum mismatch"));
}

TEST_F(VectorIndexTest, WrongEmbedderDimensionsOrScalarIsFailedPrecondition) {
  const std::filesystem::path path = SavedIndex(RandomVectors(10, kDims, 10), 10);
  const auto other = VectorIndex::Open(path, {.embedder_id = "sha256-def", .dimensions = kDims});
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("index was built for embedder sha256-abc"));
  EXPECT_EQ(
      VectorIndex::Open(path, {.embedder_id = "sha256-abc", .dimensions = 768}).status().code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      VectorIndex::Open(
          path, {.embedder_id = "sha256-abc", .dimensions = kDims, .scalar = VectorScalar::kI8})
          .status()
          .code(),
      StatusCode::kFailedPrecondition);
}

TEST_F(VectorIndexTest, TruncatedEmptyOrForeignFilesAreCorrupt) {
  const std::filesystem::path path = SavedIndex(RandomVectors(100, kDims, 11), 100);
  std::vector<char> bytes = ReadAll(path);
  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{40}, size_t{0}}) {
    WriteAll(path, std::vector<char>(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(keep)));
    const auto opened = VectorIndex::Open(path, expected_);
    EXPECT_EQ(opened.status().code(), StatusCode::kInternal) << keep;
    EXPECT_THAT(opened.status().message(), HasSubstr("is corrupt")) << keep;
  }
  WriteAll(path, std::vector<char>(200, 'x'));
  EXPECT_THAT(VectorIndex::Open(path, expected_).status().message(), HasSubstr("magic"));
}

TEST_F(VectorIndexTest, MissingFileIsNotFound) {
  const auto opened = VectorIndex::Open(dir_ / "absent.usearch", expected_);
  EXPECT_EQ(opened.status().code(), StatusCode::kNotFound);
}

TEST_F(VectorIndexTest, SaveIntoAMissingFolderFailsAndLeavesNothing) {
  const std::unique_ptr<VectorIndex> index =
      Filled(RandomVectors(5, kDims, 12), 5, VectorScalar::kF16);
  const Status saved = index->Save(dir_ / "no" / "such" / "x.usearch", {.embedder_id = "e"});
  EXPECT_EQ(saved.code(), StatusCode::kNotFound);
  const Status too_long = index->Save(dir_ / "x.usearch", {.embedder_id = std::string(2000, 'e')});
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(VectorIndexTest, ConcurrentSearchesWhileAdding) {
  const std::vector<float> data = RandomVectors(3000, kDims, 13);
  const std::unique_ptr<VectorIndex> index = Filled(data, 1000, VectorScalar::kF16);
  std::vector<std::thread> searchers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 24; ++t) {  // more than the index's search slots
    searchers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (!index->Search(Row(data, static_cast<size_t>(t * 20 + i)), 5).ok()) ++failures;
      }
    });
  }
  for (uint64_t key = 1000; key < 3000; ++key) ASSERT_TRUE(index->Add(key, Row(data, key)).ok());
  for (std::thread& thread : searchers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(index->size(), 3000u);
}

TEST_F(VectorIndexTest, RemovedSlotsAreReusedAndNeverReturned) {
  const std::vector<float> data = RandomVectors(3000, kDims, 15);
  const std::unique_ptr<VectorIndex> index = Filled(data, 2000, VectorScalar::kF16);
  const size_t memory_when_full = index->memory_bytes();
  for (uint64_t key = 0; key < 2000; key += 2) ASSERT_TRUE(index->Remove(key).ok());
  EXPECT_EQ(index->size(), 1000u);
  for (size_t q = 0; q < 2000; q += 37) {
    const StatusOr<std::vector<VectorMatch>> top = index->Search(Row(data, q), 10);
    ASSERT_TRUE(top.ok());
    ASSERT_EQ(top->size(), 10u);
    for (const VectorMatch& match : *top) EXPECT_EQ(match.key % 2, 1u) << match.key;
  }
  // New keys fill the removed slots: the index does not grow.
  for (uint64_t key = 2000; key < 3000; ++key) ASSERT_TRUE(index->Add(key, Row(data, key)).ok());
  EXPECT_EQ(index->size(), 2000u);
  EXPECT_LE(index->memory_bytes(), memory_when_full + memory_when_full / 50);
  size_t found_self = 0;
  for (uint64_t key = 2000; key < 3000; key += 10) {
    const StatusOr<std::vector<VectorMatch>> top = index->Search(Row(data, key), 1);
    ASSERT_TRUE(top.ok());
    found_self += !top->empty() && (*top)[0].key == key;
  }
  EXPECT_GE(found_self, 95u);  // of 100: a reused slot is linked by its new vector
}

TEST_F(VectorIndexTest, RemovedSlotsSurviveSaveAndOpen) {
  const std::vector<float> data = RandomVectors(600, kDims, 16);
  const std::unique_ptr<VectorIndex> index = Filled(data, 500, VectorScalar::kI8);
  for (uint64_t key = 0; key < 500; key += 5) ASSERT_TRUE(index->Remove(key).ok());
  const std::filesystem::path path = dir_ / "removed.usearch";
  ASSERT_TRUE(index->Save(path, {.embedder_id = "sha256-abc"}).ok());
  const VectorIndexExpectation expected{
      .embedder_id = "sha256-abc", .dimensions = kDims, .scalar = VectorScalar::kI8};
  for (VectorIndexOpenMode mode : {VectorIndexOpenMode::kLoad, VectorIndexOpenMode::kMemoryMap}) {
    StatusOr<std::unique_ptr<VectorIndex>> opened = VectorIndex::Open(path, expected, mode);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ((*opened)->size(), 400u);
    EXPECT_FALSE((*opened)->Contains(5));
    EXPECT_TRUE((*opened)->Contains(6));
    const StatusOr<std::vector<VectorMatch>> top = (*opened)->Search(Row(data, 10), 20);
    ASSERT_TRUE(top.ok());
    for (const VectorMatch& match : *top) EXPECT_NE(match.key % 5, 0u) << match.key;
  }
  StatusOr<std::unique_ptr<VectorIndex>> loaded = VectorIndex::Open(path, expected);
  ASSERT_TRUE(loaded.ok());
  const size_t memory = (*loaded)->memory_bytes();
  for (uint64_t key = 500; key < 600; ++key) ASSERT_TRUE((*loaded)->Add(key, Row(data, key)).ok());
  EXPECT_EQ((*loaded)->size(), 500u);
  EXPECT_LE((*loaded)->memory_bytes(), memory + memory / 50);
}

TEST_F(VectorIndexTest, FileOfTheFormerFormatIsFailedPrecondition) {
  const std::filesystem::path path = SavedIndex(RandomVectors(20, kDims, 17), 20);
  std::vector<char> bytes = ReadAll(path);
  bytes[8] = 1;  // format version 1: usearch's index_dense payload
  WriteAll(path, bytes);
  const auto opened = VectorIndex::Open(path, expected_);
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("format version 1"));
}

// A payload whose checksum is right but whose contents do not hold together
// (not something Save writes; a bug or a hand-made file) is refused too.
class CraftedIndexFileTest : public VectorIndexTest {
 protected:
  // Applies `change` to the payload of the saved index at `path`, then
  // writes the payload size and checksum that match it.
  void RewritePayload(const std::filesystem::path& path,
                      const std::function<void(std::vector<uint8_t>&)>& change) {
    const std::vector<char> file = ReadAll(path);
    uint32_t header_bytes = 0;
    std::memcpy(&header_bytes, file.data() + 12, sizeof(header_bytes));
    std::vector<uint8_t> header(file.begin(), file.begin() + header_bytes);
    std::vector<uint8_t> payload(file.begin() + header_bytes, file.end());
    change(payload);
    const uint64_t payload_bytes = payload.size();
    std::memcpy(header.data() + 32, &payload_bytes, sizeof(payload_bytes));
    std::fill(header.begin() + 48, header.begin() + 80, 0);
    Sha256 hasher;
    hasher.Update(header);
    hasher.Update(payload);
    const Digest digest = hasher.Finish();
    std::copy(digest.sha256.begin(), digest.sha256.end(), header.begin() + 48);
    std::vector<char> out(header.begin(), header.end());
    out.insert(out.end(), payload.begin(), payload.end());
    WriteAll(path, out);
  }

  void ExpectCorrupt(const std::filesystem::path& path, const std::string& what) {
    for (VectorIndexOpenMode mode : {VectorIndexOpenMode::kLoad, VectorIndexOpenMode::kMemoryMap}) {
      const auto opened = VectorIndex::Open(path, expected_, mode);
      EXPECT_EQ(opened.status().code(), StatusCode::kInternal);
      EXPECT_THAT(opened.status().message(), HasSubstr("is corrupt: " + what));
    }
  }
};

TEST_F(CraftedIndexFileTest, EntryPointPastTheLastVector) {
  const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 18), 50);
  RewritePayload(path, [](std::vector<uint8_t>& payload) {
    unum::usearch::index_serialized_header_t graph;
    std::memcpy(&graph, payload.data(), sizeof(graph));
    graph.entry_slot = graph.size;
    std::memcpy(payload.data(), &graph, sizeof(graph));
  });
  ExpectCorrupt(path, "the graph's entry point is out of range");
}

TEST_F(CraftedIndexFileTest, EntryPointBelowTheTopLevel) {
  const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 24), 50);
  RewritePayload(path, [](std::vector<uint8_t>& payload) {
    unum::usearch::index_serialized_header_t graph;
    std::memcpy(&graph, payload.data(), sizeof(graph));
    graph.max_level += 5;  // searches would read links the entry node does not have
    std::memcpy(payload.data(), &graph, sizeof(graph));
  });
  ExpectCorrupt(path, "the graph's entry point is not on its top level");
}

TEST_F(CraftedIndexFileTest, VectorsMissingAfterTheGraph) {
  const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 19), 50);
  RewritePayload(path, [](std::vector<uint8_t>& payload) {
    payload.resize(payload.size() - kDims * sizeof(uint16_t));  // one f16 vector fewer
  });
  ExpectCorrupt(path, "its graph of 50 vectors is followed by");
}

TEST_F(CraftedIndexFileTest, LinkPastTheLastVector) {
  const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 21), 50);
  RewritePayload(path, [](std::vector<uint8_t>& payload) {
    // usearch's layout: its header, a 2-byte level per node, then node 0:
    // an 8-byte key, its 2-byte level, a u32 count of base-level links and
    // the links (u32 slots).
    const size_t node0 = sizeof(unum::usearch::index_serialized_header_t) + 50 * 2;
    uint32_t links = 0;
    std::memcpy(&links, payload.data() + node0 + 10, sizeof(links));
    ASSERT_GT(links, 0u);
    const uint32_t past_the_end = 50;
    std::memcpy(payload.data() + node0 + 14, &past_the_end, sizeof(past_the_end));
  });
  ExpectCorrupt(path, "a link points past the last vector");
}

TEST_F(CraftedIndexFileTest, NodeLevelOutOfRange) {
  for (int16_t level : {int16_t{-1}, int16_t{100}}) {
    const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 22), 50);
    RewritePayload(path, [level](std::vector<uint8_t>& payload) {
      // The levels follow usearch's header, 2 bytes per node.
      std::memcpy(payload.data() + sizeof(unum::usearch::index_serialized_header_t) + 2 * 7,
                  &level, sizeof(level));
    });
    ExpectCorrupt(path, "node 7's level is out of range");
  }
}

TEST_F(CraftedIndexFileTest, StoredVectorThatIsNotFinite) {
  const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 23), 50);
  RewritePayload(path, [](std::vector<uint8_t>& payload) {
    const uint16_t nan = 0x7E00;  // an f16 NaN, in the last stored vector
    std::memcpy(payload.data() + payload.size() - 2, &nan, sizeof(nan));
  });
  ExpectCorrupt(path, "a stored vector has a value that is not a finite number");
}

TEST_F(CraftedIndexFileTest, ImpossibleGraphSize) {
  // More nodes than a u32 slot can number, and more than the payload holds.
  for (uint64_t claimed : {uint64_t{1} << 40, uint64_t{1000000}}) {
    const std::filesystem::path path = SavedIndex(RandomVectors(50, kDims, 20), 50);
    RewritePayload(path, [claimed](std::vector<uint8_t>& payload) {
      unum::usearch::index_serialized_header_t graph;
      std::memcpy(&graph, payload.data(), sizeof(graph));
      graph.size = claimed;
      std::memcpy(payload.data(), &graph, sizeof(graph));
    });
    ExpectCorrupt(path, "the graph claims " + std::to_string(claimed) + " vectors");
  }
}

}  // namespace
}  // namespace hearth
