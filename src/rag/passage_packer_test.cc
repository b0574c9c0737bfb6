#include "rag/passage_packer.h"

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

// One token per whitespace-separated word. A header "[1] a.txt\n" is 2 tokens.
class WordCounter final : public TokenCounter {
 public:
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override {
    std::vector<int32_t> counts;
    for (std::string_view text : texts) {
      std::istringstream words{std::string(text)};
      int32_t n = 0;
      for (std::string word; words >> word;) ++n;
      counts.push_back(n);
    }
    return counts;
  }
};

// `n` distinct words.
std::string Words(int n, const std::string& stem = "w") {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? " " : "") + stem + std::to_string(i);
  return text;
}

Candidate Make(int64_t id, int64_t document_id, int64_t ordinal, std::string text, double score) {
  Candidate c;
  c.chunk.id = id;
  c.chunk.document_id = document_id;
  c.chunk.ordinal = ordinal;
  c.chunk.text = std::move(text);
  c.document_name = "d" + std::to_string(document_id) + ".txt";
  c.score = score;
  return c;
}

std::vector<int64_t> Ids(const PackResult& packed) {
  std::vector<int64_t> ids;
  for (const Passage& p : packed.passages) ids.insert(ids.end(), p.chunk_ids.begin(), p.chunk_ids.end());
  return ids;
}

class PassagePackerTest : public ::testing::Test {
 protected:
  PackResult Pack(std::vector<Candidate> candidates, PackOptions options) {
    auto packed = PackPassages(std::move(candidates), options, &counter_);
    EXPECT_TRUE(packed.ok()) << packed.status();
    return packed.ok() ? std::move(*packed) : PackResult{};
  }
  WordCounter counter_;
};

TEST_F(PassagePackerTest, BudgetExactlyMetTakesBoth) {
  // Each passage: 2 header tokens + 8 words.
  const PackResult packed = Pack({Make(1, 1, 0, Words(8), 0.9), Make(2, 2, 0, Words(8), 0.8)},
                                 {.budget_tokens = 20});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(packed.tokens_used, 20);
  EXPECT_TRUE(packed.dropped.empty());
  EXPECT_EQ(packed.passages[1].number, 2);
  EXPECT_EQ(packed.passages[1].token_count, 10);
}

TEST_F(PassagePackerTest, BudgetExceededByOneTokenDropsTheLowerScored) {
  const PackResult packed = Pack({Make(2, 2, 0, Words(8), 0.8), Make(1, 1, 0, Words(8), 0.9)},
                                 {.budget_tokens = 19});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{1}));
  EXPECT_EQ(packed.tokens_used, 10);
  ASSERT_EQ(packed.dropped.size(), 1u);
  EXPECT_EQ(packed.dropped[0].chunk_id, 2);
  EXPECT_EQ(packed.dropped[0].reason, DropReason::kOverBudget);
  EXPECT_EQ(packed.dropped[0].token_count, 10);
  EXPECT_EQ(DropReasonName(packed.dropped[0].reason), "over_budget");
}

TEST_F(PassagePackerTest, SmallerLaterPassageStillFillsTheBudget) {
  const PackResult packed = Pack({Make(1, 1, 0, Words(8), 0.9), Make(2, 2, 0, Words(20), 0.8),
                                  Make(3, 3, 0, Words(3), 0.7)},
                                 {.budget_tokens = 16});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(packed.tokens_used, 15);
}

TEST_F(PassagePackerTest, PinnedDocumentsComeFirstInDocumentOrder) {
  Candidate pinned_b = Make(20, 2, 0, "beta", 0);
  pinned_b.pinned = true;
  Candidate pinned_a = Make(11, 1, 3, "alpha", 0);
  pinned_a.pinned = true;
  const PackResult packed =
      Pack({Make(30, 3, 0, "gamma", 0.99), pinned_b, pinned_a}, {.budget_tokens = 100});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{11, 20, 30}));
  EXPECT_TRUE(packed.passages[0].pinned);
  EXPECT_FALSE(packed.passages[2].pinned);
}

TEST_F(PassagePackerTest, AdjacentChunksMergeAndTheOverlapIsKeptOnce) {
  Candidate first = Make(1, 1, 0, "alpha beta. gamma delta.", 0.5);
  first.chunk.page_first = first.chunk.page_last = 4;
  Candidate second = Make(2, 1, 1, "gamma delta. epsilon zeta.", 0.9);
  second.chunk.page_first = 5;
  second.chunk.page_last = 6;
  second.found_by = {{"lexical", 1}};
  first.found_by = {{"vector", 2}, {"lexical", 3}};
  const PackResult packed = Pack({first, second}, {.budget_tokens = 100});
  ASSERT_EQ(packed.passages.size(), 1u);
  const Passage& p = packed.passages[0];
  EXPECT_EQ(p.text, "alpha beta. gamma delta. epsilon zeta.");
  EXPECT_EQ(p.chunk_ids, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(p.page_first, 4);
  EXPECT_EQ(p.page_last, 6);
  EXPECT_DOUBLE_EQ(p.score, 0.9);
  EXPECT_EQ(p.found_by, (std::vector<RetrieverRank>{{"vector", 2}, {"lexical", 1}}));
  EXPECT_EQ(CitationHeader(p), "[1] d1.txt, p. 4\u20136\n");
  EXPECT_EQ(p.token_count, 4 + 6);  // "[1] d1.txt, p. 4–6" is 4 words
  EXPECT_EQ(packed.tokens_used, 10);
}

TEST_F(PassagePackerTest, AChunkBetweenTwoPassagesJoinsThem) {
  const PackResult packed = Pack({Make(1, 1, 0, "one", 0.9), Make(3, 1, 2, "three", 0.8),
                                  Make(9, 2, 0, "other", 0.7), Make(2, 1, 1, "two", 0.6)},
                                 {.budget_tokens = 100});
  ASSERT_EQ(packed.passages.size(), 2u);
  EXPECT_EQ(packed.passages[0].text, "one\ntwo\nthree");
  EXPECT_EQ(packed.passages[0].chunk_ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(packed.passages[1].number, 2);
  EXPECT_EQ(packed.tokens_used, (2 + 3) + (2 + 1));
}

TEST_F(PassagePackerTest, MergeThatDoesNotFitIsDroppedWithWhatItWouldAdd) {
  const PackResult packed =
      Pack({Make(1, 1, 0, Words(5), 0.9), Make(2, 1, 1, Words(5, "x"), 0.8)},
           {.budget_tokens = 10});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{1}));
  ASSERT_EQ(packed.dropped.size(), 1u);
  EXPECT_EQ(packed.dropped[0].reason, DropReason::kOverBudget);
  EXPECT_EQ(packed.dropped[0].token_count, 5);
}

TEST_F(PassagePackerTest, DropsBelowThresholdAndDuplicatesButKeepsLexicalOnly) {
  Candidate weak = Make(1, 1, 0, "weak", 0.9);
  weak.relevance = 0.2;
  Candidate strong = Make(2, 2, 0, "strong", 0.8);
  strong.relevance = 0.7;
  Candidate lexical_only = Make(3, 3, 0, "lexical", 0.7);
  Candidate again = Make(2, 2, 0, "strong", 0.1);
  const PackResult packed =
      Pack({weak, strong, lexical_only, again}, {.budget_tokens = 100, .min_relevance = 0.5});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(packed.dropped.size(), 2u);
  EXPECT_EQ(packed.dropped[0].chunk_id, 1);
  EXPECT_EQ(packed.dropped[0].reason, DropReason::kBelowThreshold);
  EXPECT_EQ(packed.dropped[1].chunk_id, 2);
  EXPECT_EQ(packed.dropped[1].reason, DropReason::kDuplicate);
}

TEST_F(PassagePackerTest, AlreadyInContextIsNotSentButTakesItsShareOfTheBudget) {
  Candidate present = Make(1, 1, 0, Words(6), 0.9);
  present.already_in_context = true;
  const PackResult roomy =
      Pack({present, Make(2, 1, 1, Words(8), 0.5)}, {.budget_tokens = 40});
  ASSERT_EQ(roomy.passages.size(), 2u);
  EXPECT_TRUE(roomy.passages[0].already_in_context);
  EXPECT_EQ(roomy.passages[0].token_count, 0);
  // Not merged with the adjacent new chunk.
  EXPECT_EQ(roomy.passages[1].chunk_ids, (std::vector<int64_t>{2}));
  EXPECT_GT(roomy.tokens_reused, 0);
  EXPECT_EQ(roomy.tokens_used, roomy.passages[1].token_count);
  EXPECT_LE(roomy.tokens_used + roomy.tokens_reused, 40);

  // A budget the shared passage fills: the new chunk does not fit beside it.
  const PackResult full =
      Pack({present, Make(2, 1, 1, Words(8), 0.5)}, {.budget_tokens = roomy.tokens_reused + 2});
  ASSERT_EQ(full.passages.size(), 1u);
  EXPECT_TRUE(full.passages[0].already_in_context);
  EXPECT_EQ(full.tokens_used, 0);
  ASSERT_EQ(full.dropped.size(), 1u);
  EXPECT_EQ(full.dropped[0].reason, DropReason::kOverBudget);
}

TEST_F(PassagePackerTest, OversizedPinnedPassageIsCutAtAWordBoundary) {
  Candidate pinned = Make(1, 1, 0, Words(30), 0);
  pinned.pinned = true;
  const PackResult packed = Pack({pinned, Make(2, 2, 0, Words(30), 0.9)}, {.budget_tokens = 12});
  ASSERT_EQ(packed.passages.size(), 1u);
  EXPECT_TRUE(packed.passages[0].truncated);
  EXPECT_EQ(packed.passages[0].text, Words(10));
  EXPECT_EQ(packed.tokens_used, 12);
  ASSERT_EQ(packed.dropped.size(), 1u);
  EXPECT_EQ(packed.dropped[0].chunk_id, 2);
  EXPECT_EQ(packed.dropped[0].reason, DropReason::kOverBudget);
  EXPECT_EQ(packed.dropped[0].token_count, 32);
}

TEST_F(PassagePackerTest, UnlimitedBudgetTakesEverything) {
  const PackResult packed = Pack({Make(1, 1, 0, Words(500), 0.1), Make(2, 2, 0, Words(900), 0.2)},
                                 {.budget_tokens = kUnlimitedTokens});
  EXPECT_EQ(Ids(packed), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(packed.tokens_used, 1404);
}

TEST_F(PassagePackerTest, WithoutACounterTokensAreEstimatedFromBytes) {
  auto packed = PackPassages({Make(1, 1, 0, std::string(40, 'a'), 1)}, {}, nullptr);
  ASSERT_TRUE(packed.ok()) << packed.status();
  // "[1] d1.txt\n" is 11 bytes: 51 bytes, 13 tokens.
  EXPECT_EQ(packed->tokens_used, 13);
}

TEST_F(PassagePackerTest, RejectsABadBudget) {
  auto packed = PackPassages({Make(1, 1, 0, "a", 1)}, {.budget_tokens = -2}, &counter_);
  ASSERT_FALSE(packed.ok());
  EXPECT_EQ(packed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(packed.status().message().find("-2"), std::string::npos);
}

TEST_F(PassagePackerTest, CounterErrorsArePassedOn) {
  class Failing final : public TokenCounter {
   public:
    StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view>) override {
      return InvalidArgumentError("tokenizer broke");
    }
  } failing;
  auto packed = PackPassages({Make(1, 1, 0, "a", 1)}, {.budget_tokens = 10}, &failing);
  ASSERT_FALSE(packed.ok());
  EXPECT_NE(packed.status().message().find("tokenizer broke"), std::string::npos);
}

TEST(OverlapLengthTest, FindsTheRepeatedWordsOnly) {
  EXPECT_EQ(OverlapLength("a b c d", "c d e", 100), 3u);
  EXPECT_EQ(OverlapLength("a b c d", "x y", 100), 0u);
  // A shared letter inside a word is not an overlap.
  EXPECT_EQ(OverlapLength("abc", "cde", 100), 0u);
  EXPECT_EQ(OverlapLength("xa b", "a bc", 100), 0u);
  // The cap bounds the search.
  EXPECT_EQ(OverlapLength("a b c d", "c d e", 2), 0u);
  EXPECT_EQ(OverlapLength("same words", "same words", 100), 10u);
  EXPECT_EQ(OverlapLength("", "a", 100), 0u);
}

TEST(CitationHeaderTest, ShowsPagesOnlyWhenThereAreSome) {
  Passage p{.number = 3, .document_name = "r.pdf", .page_first = 4, .page_last = 4};
  EXPECT_EQ(CitationHeader(p), "[3] r.pdf, p. 4\n");
  p.page_first = p.page_last = 0;
  EXPECT_EQ(CitationHeader(p), "[3] r.pdf\n");
}

}  // namespace
}  // namespace hearth
