#include "rag/posting_list.h"

#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

struct Posting {
  uint32_t doc, frequency, length;
};

std::vector<Posting> RandomPostings(size_t count, std::mt19937& random) {
  std::vector<Posting> postings;
  uint32_t doc = 0;
  std::geometric_distribution<uint32_t> gap(0.05), extra(0.6);
  std::uniform_int_distribution<uint32_t> length(1, 500);
  for (size_t i = 0; i < count; ++i) {
    doc += (i == 0 ? 0 : 1) + gap(random);
    postings.push_back({doc, 1 + extra(random), length(random)});
  }
  return postings;
}

PostingList ListOf(const std::vector<Posting>& postings) {
  PostingList list;
  for (const Posting& p : postings) list.Append(p.doc, p.frequency, p.length);
  return list;
}

std::vector<std::pair<uint32_t, uint32_t>> DecodeAll(const PostingList& list) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  DecodedBlock block;
  for (size_t b = 0; b < list.block_count(); ++b) {
    list.Decode(b, &block);
    for (size_t p = 0; p < block.count; ++p) out.emplace_back(block.docs[p], block.frequencies[p]);
  }
  return out;
}

TEST(PostingListTest, DecodesWhatWasAppendedWithTrueBlockSummaries) {
  std::mt19937 random(1);
  for (size_t count : {1u, 127u, 128u, 129u, 1000u}) {
    const std::vector<Posting> postings = RandomPostings(count, random);
    const PostingList list = ListOf(postings);
    ASSERT_EQ(list.size(), count);
    ASSERT_EQ(list.block_count(), (count + kPostingBlockSize - 1) / kPostingBlockSize);
    const auto decoded = DecodeAll(list);
    ASSERT_EQ(decoded.size(), count);
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(decoded[i].first, postings[i].doc);
      EXPECT_EQ(decoded[i].second, postings[i].frequency);
    }
    for (size_t b = 0; b < list.block_count(); ++b) {
      const size_t begin = b * kPostingBlockSize;
      const size_t end = std::min(count, begin + kPostingBlockSize);
      uint32_t max_frequency = 0, min_length = UINT32_MAX;
      for (size_t i = begin; i < end; ++i) {
        max_frequency = std::max(max_frequency, postings[i].frequency);
        min_length = std::min(min_length, postings[i].length);
      }
      EXPECT_EQ(list.block(b).last_doc, postings[end - 1].doc);
      EXPECT_EQ(list.block(b).max_frequency, max_frequency);
      EXPECT_EQ(list.block(b).min_length, min_length);
    }
  }
}

TEST(PostingListTest, FirstDocumentZeroAndHugeGapsAndFrequencies) {
  PostingList list;
  list.Append(0, 1, 5);
  list.Append(4'000'000'000u, 70000, 9);
  const auto decoded = DecodeAll(list);
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[0], std::make_pair(0u, 1u));
  EXPECT_EQ(decoded[1], std::make_pair(4'000'000'000u, 70000u));
}

TEST(PostingListTest, RoundTripsThroughItsSerializedForm) {
  std::mt19937 random(2);
  const std::vector<Posting> postings = RandomPostings(300, random);
  const PostingList list = ListOf(postings);
  std::string bytes;
  list.SerializeTo(bytes);
  bytes += "tail";
  std::span<const uint8_t> in(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  auto read = PostingList::Deserialize(in, postings.back().doc + 1);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(in.size(), 4u);  // stops at its end
  EXPECT_EQ(DecodeAll(*read), DecodeAll(list));
  EXPECT_EQ(read->block(2).min_length, list.block(2).min_length);
}

TEST(PostingListTest, DeserializeRefusesBadBytes) {
  std::mt19937 random(3);
  const std::vector<Posting> postings = RandomPostings(200, random);
  std::string bytes;
  ListOf(postings).SerializeTo(bytes);
  const auto read = [&](std::string candidate, uint32_t doc_count) {
    std::span<const uint8_t> in(reinterpret_cast<const uint8_t*>(candidate.data()),
                                candidate.size());
    return PostingList::Deserialize(in, doc_count).status();
  };
  const uint32_t docs = postings.back().doc + 1;
  EXPECT_TRUE(read(bytes, docs).ok());
  // A document beyond the index's documents.
  EXPECT_EQ(read(bytes, docs - 1).code(), StatusCode::kInvalidArgument);
  // Every truncation.
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    EXPECT_EQ(read(bytes.substr(0, cut), docs).code(), StatusCode::kInvalidArgument) << cut;
  }
  // A block summary that lies about its last document.
  std::string lying = bytes;
  lying[8] = static_cast<char>(lying[8] + 1);
  EXPECT_EQ(read(lying, docs).code(), StatusCode::kInvalidArgument);
  // A size that does not match the postings.
  std::string resized = bytes;
  resized[0] = static_cast<char>(resized[0] + 1);
  EXPECT_EQ(read(resized, docs).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth::internal
