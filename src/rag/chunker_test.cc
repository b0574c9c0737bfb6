#include "rag/chunker.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/vocab_tokenizer.h"
#include "store/digest.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// Counts whitespace-separated words; remembers how often it was called.
class WordCounter final : public TokenCounter {
 public:
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override {
    ++calls;
    std::vector<int32_t> counts;
    for (std::string_view text : texts) counts.push_back(static_cast<int32_t>(Words(text).size()));
    return counts;
  }
  std::atomic<int> calls{0};
};

// One token per started 4 bytes: long words and CJK text have many tokens.
class ByteCounter final : public TokenCounter {
 public:
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override {
    std::vector<int32_t> counts;
    for (std::string_view text : texts)
      counts.push_back(static_cast<int32_t>((text.size() + 3) / 4));
    return counts;
  }
};

DocumentBlock Heading(int32_t level, std::string text) {
  return {.kind = BlockKind::kHeading, .level = level, .text = std::move(text)};
}
DocumentBlock Paragraph(std::string text, int32_t page = 0) {
  return {.kind = BlockKind::kParagraph, .page = page, .text = std::move(text)};
}

// `sentences` sentences of `words` unique words each ("w<n>").
std::string Sentences(int sentences, int words, int& next) {
  std::string text;
  for (int s = 0; s < sentences; ++s) {
    for (int w = 0; w < words; ++w) {
      text += "w" + std::to_string(next++);
      text += w + 1 < words ? " " : ". ";
    }
  }
  text.pop_back();
  return text;
}

std::vector<std::string> BodyWords(const StructuredDocument& doc) {
  std::vector<std::string> words;
  for (const DocumentBlock& block : doc.blocks) {
    if (block.kind == BlockKind::kHeading) continue;
    for (std::string& word : Words(block.text)) words.push_back(std::move(word));
  }
  return words;
}

// Each chunk's words are a run of the document's words that starts at or
// before the previous chunk's end (overlap) and extends past it; together
// the chunks cover every word. Returns how many chunks overlapped.
int CheckCoverage(const StructuredDocument& doc, const std::vector<Chunk>& chunks) {
  const std::vector<std::string> all = BodyWords(doc);
  size_t previous_start = 0;
  size_t previous_end = 0;
  int overlaps = 0;
  for (size_t c = 0; c < chunks.size(); ++c) {
    const std::vector<std::string> words = Words(chunks[c].text);
    const auto at = std::find(all.begin(), all.end(), words.front());
    EXPECT_NE(at, all.end()) << chunks[c].text;
    if (at == all.end()) return overlaps;
    const auto start = static_cast<size_t>(at - all.begin());
    if (static_cast<size_t>(all.end() - at) < words.size()) {
      ADD_FAILURE() << "chunk " << c << " runs past the document's end";
      return overlaps;
    }
    EXPECT_TRUE(std::equal(words.begin(), words.end(), at)) << "chunk " << c;
    if (c > 0) {
      EXPECT_GT(start, previous_start) << "chunk " << c;
      EXPECT_LE(start, previous_end) << "chunk " << c << " skips words";
      EXPECT_GT(start + words.size(), previous_end) << "chunk " << c << " adds nothing";
    }
    if (c > 0 && start < previous_end) ++overlaps;
    previous_start = start;
    previous_end = start + words.size();
  }
  EXPECT_EQ(previous_end, all.size());
  return overlaps;
}

StatusOr<std::vector<Chunk>> ChunkWith(const StructuredDocument& doc, TokenCounter& counter,
                                       ChunkerOptions options = {}) {
  return ChunkDocument(doc, "Doc", options, counter);
}

TEST(ChunkerTest, EmptyDocumentGivesNoChunks) {
  WordCounter counter;
  StructuredDocument doc;
  EXPECT_THAT(*ChunkWith(doc, counter), ElementsAre());
  doc.blocks = {Heading(1, "Only a heading")};
  EXPECT_THAT(*ChunkWith(doc, counter), ElementsAre());
}

TEST(ChunkerTest, HeadingsStartChunksAndFormThePath) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Paragraph("Before any heading."),
                Heading(1, "Intro"),
                Paragraph("One."),
                Heading(2, "Details"),
                Paragraph("Two."),
                Heading(3, "Deep"),
                Paragraph("Three."),
                Heading(1, "Other"),
                Paragraph("Four.")};
  const StatusOr<std::vector<Chunk>> chunks = ChunkWith(doc, counter);
  ASSERT_TRUE(chunks.ok()) << chunks.status();
  ASSERT_EQ(chunks->size(), 5u);
  EXPECT_THAT((*chunks)[0].heading_path, ElementsAre());
  EXPECT_EQ((*chunks)[0].embed_text, "Doc\n\nBefore any heading.");
  EXPECT_THAT((*chunks)[2].heading_path, ElementsAre("Intro", "Details"));
  EXPECT_EQ((*chunks)[2].text, "Two.");
  EXPECT_EQ((*chunks)[2].embed_text, "Doc \xE2\x80\xBA Intro \xE2\x80\xBA Details\n\nTwo.");
  EXPECT_THAT((*chunks)[3].heading_path, ElementsAre("Intro", "Details", "Deep"));
  EXPECT_THAT((*chunks)[4].heading_path, ElementsAre("Other"));
  for (const Chunk& chunk : *chunks) {
    EXPECT_EQ(chunk.content_hash, Sha256Of(chunk.embed_text).Hex());
    EXPECT_EQ(chunk.token_count, static_cast<int32_t>(Words(chunk.embed_text).size()));
  }
}

TEST(ChunkerTest, BlankHeadingEndsTheChunkButNamesNothing) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Heading(1, "Top"), Paragraph("One."), Heading(2, " \n "), Paragraph("Two.")};
  const auto chunks = ChunkWith(doc, counter);
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_THAT((*chunks)[1].heading_path, ElementsAre("Top"));
  EXPECT_EQ((*chunks)[1].embed_text, "Doc \xE2\x80\xBA Top\n\nTwo.");
}

TEST(ChunkerTest, TitleEqualToFirstHeadingIsNotRepeated) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Heading(1, "Doc"), Paragraph("Body.")};
  EXPECT_EQ((*ChunkWith(doc, counter))[0].embed_text, "Doc\n\nBody.");
}

TEST(ChunkerTest, SmallBlocksArePackedAndPagesSpanned) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Paragraph("First block.", 2), Paragraph("Second block.", 3),
                Paragraph("Third block.", 3)};
  const auto chunks = ChunkWith(doc, counter);
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ((*chunks)[0].text, "First block.\n\nSecond block.\n\nThird block.");
  EXPECT_EQ((*chunks)[0].page_first, 2);
  EXPECT_EQ((*chunks)[0].page_last, 3);
}

TEST(ChunkerTest, LongParagraphIsCutAtSentencesWithOverlap) {
  WordCounter counter;
  int next = 0;
  StructuredDocument doc;
  doc.blocks = {Paragraph(Sentences(60, 5, next))};
  const ChunkerOptions options{.target_tokens = 40, .overlap_tokens = 10};
  const auto chunks = ChunkWith(doc, counter, options);
  ASSERT_TRUE(chunks.ok());
  ASSERT_GT(chunks->size(), 7u);
  for (const Chunk& chunk : *chunks) {
    EXPECT_LE(Words(chunk.text).size(), 40u);
    EXPECT_TRUE(chunk.text.ends_with(".")) << chunk.text;
  }
  EXPECT_EQ(CheckCoverage(doc, *chunks), static_cast<int>(chunks->size()) - 1);
  // The overlap is the previous chunk's last two sentences (10 words).
  const std::vector<std::string> first = Words((*chunks)[0].text);
  const std::vector<std::string> second = Words((*chunks)[1].text);
  EXPECT_TRUE(std::equal(first.end() - 10, first.end(), second.begin()));
}

TEST(ChunkerTest, PrefersParagraphBoundaries) {
  WordCounter counter;
  int next = 0;
  const std::string a = Sentences(5, 5, next);  // 25 words
  const std::string b = Sentences(5, 5, next);
  StructuredDocument doc;
  doc.blocks = {Paragraph(a + "\n\n" + b)};
  const auto chunks = ChunkWith(doc, counter, {.target_tokens = 40, .overlap_tokens = 0});
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_EQ((*chunks)[0].text, a);
  EXPECT_EQ((*chunks)[1].text, b);
}

TEST(ChunkerTest, TablesAreCutBetweenRowsAndCodeBetweenLines) {
  WordCounter counter;
  std::string table;
  std::string code;
  for (int i = 0; i < 40; ++i) {
    table += "r" + std::to_string(i) + " | a | b\n";
    code += "    call(x" + std::to_string(i) + ", y)\n";
  }
  StructuredDocument doc;
  doc.blocks = {{.kind = BlockKind::kTable, .text = table},
                {.kind = BlockKind::kCode, .text = code}};
  const auto chunks = ChunkWith(doc, counter, {.target_tokens = 20, .overlap_tokens = 5});
  ASSERT_TRUE(chunks.ok());
  ASSERT_GT(chunks->size(), 8u);
  for (const Chunk& chunk : *chunks) {
    EXPECT_LE(Words(chunk.text).size(), 20u);
    std::istringstream lines(chunk.text);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      EXPECT_TRUE(table.find(line + "\n") != std::string::npos ||
                  code.find(line + "\n") != std::string::npos)
          << "not a whole row or line: '" << line << "'";
    }
  }
  CheckCoverage(doc, *chunks);
}

TEST(ChunkerTest, LongWordIsCutAtCharacterBoundaries) {
  ByteCounter counter;
  std::string word;
  for (int i = 0; i < 700; ++i) word += "\xC3\xA9x";  // 3 bytes per repeat, 2 characters
  StructuredDocument doc;
  doc.blocks = {Paragraph("start " + word + " end")};
  const auto chunks = ChunkWith(doc, counter, {.target_tokens = 50, .overlap_tokens = 0});
  ASSERT_TRUE(chunks.ok());
  std::string joined;
  for (const Chunk& chunk : *chunks) {
    EXPECT_TRUE(IsValidUtf8(chunk.text));
    EXPECT_LE((chunk.text.size() + 3) / 4, 50u);
    joined += chunk.text;
  }
  std::erase(joined, ' ');
  EXPECT_TRUE(joined == "start" + word + "end");  // (no 2 KB diff on failure)
  EXPECT_GE(chunks->size(), 10u);                 // 2,110 bytes at 200 bytes a chunk
}

TEST(ChunkerTest, CjkTextWithoutSpacesStaysValidUtf8) {
  ByteCounter counter;
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "\xE6\x97\xA5";
  text += "\xE3\x80\x82";  // 。
  for (int i = 0; i < 30; ++i) text += "\xE6\x9C\xAC";
  StructuredDocument doc;
  doc.blocks = {Paragraph(text)};
  const auto chunks = ChunkWith(doc, counter, {.target_tokens = 64, .overlap_tokens = 0});
  ASSERT_TRUE(chunks.ok());
  ASSERT_GT(chunks->size(), 30u);
  std::string joined;
  for (const Chunk& chunk : *chunks) {
    EXPECT_FALSE(chunk.text.empty());
    EXPECT_TRUE(IsValidUtf8(chunk.text));
    EXPECT_LE((chunk.text.size() + 3) / 4, 64u);
    joined += chunk.text;
  }
  EXPECT_TRUE(joined == text);
}

TEST(ChunkerTest, HundredThousandWordBlockInFewCounterCalls) {
  WordCounter counter;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "w" + std::to_string(i) + (i % 17 == 16 ? ". " : " ");
  StructuredDocument doc;
  doc.blocks = {Paragraph(text)};
  const auto chunks = ChunkWith(doc, counter);
  ASSERT_TRUE(chunks.ok());
  EXPECT_GT(chunks->size(), 250u);
  for (const Chunk& chunk : *chunks) EXPECT_LE(Words(chunk.text).size(), 400u);
  EXPECT_GT(CheckCoverage(doc, *chunks), 200);
  EXPECT_LE(counter.calls.load(), 6);
}

TEST(ChunkerTest, LongHeadingPathIsTrimmed) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Heading(1, "one two three four five six seven eight"),
                Heading(2, "nine ten eleven twelve"), Paragraph("Body.")};
  const auto chunks = ChunkWith(doc, counter, {.max_heading_prefix_tokens = 6});
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ((*chunks)[0].embed_text, "Doc \xE2\x80\xBA nine ten eleven twelve\n\nBody.");
  const auto none = ChunkWith(doc, counter, {.max_heading_prefix_tokens = 0});
  EXPECT_EQ((*none)[0].embed_text, "Body.");
}

TEST(ChunkerTest, BadOptionsAreInvalidArgument) {
  WordCounter counter;
  StructuredDocument doc;
  doc.blocks = {Paragraph("x")};
  EXPECT_THAT(ChunkWith(doc, counter, {.target_tokens = 4}).status().message(),
              HasSubstr("at least 8 tokens"));
  EXPECT_EQ(ChunkWith(doc, counter, {.target_tokens = 100, .overlap_tokens = 50}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ChunkWith(doc, counter, {.overlap_tokens = -1}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ChunkerTest, CounterErrorsPropagate) {
  class FailingCounter final : public TokenCounter {
   public:
    StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view>) override {
      return InvalidArgumentError("tokenizer broke");
    }
  } counter;
  StructuredDocument doc;
  doc.blocks = {Paragraph("x")};
  EXPECT_THAT(ChunkWith(doc, counter).status().message(), HasSubstr("tokenizer broke"));
}

TEST(ChunkerTest, RealTokenizerKeepsChunksWithinTheTarget) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, "models/stories260K.gguf");
  StatusOr<std::unique_ptr<VocabTokenizer>> tokenizer = VocabTokenizer::Open(model);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  const std::vector<std::string> story = {"Once upon a time, there was a little girl named Lily. ",
                                          "She loved to play outside in the sunshine! ",
                                          "One day, she saw a big, red ball in the park. ",
                                          "Her mom said, \"Be careful, Lily.\" ",
                                          "They went home and had a yummy lunch together. "};
  StructuredDocument doc;
  for (int section = 0; section < 3; ++section) {
    doc.blocks.push_back(Heading(1, "Chapter " + std::to_string(section)));
    for (int paragraph = 0; paragraph < 4; ++paragraph) {
      std::string text;
      for (int i = 0; i < 12; ++i) text += story[static_cast<size_t>(i + paragraph) % story.size()];
      doc.blocks.push_back(Paragraph(text));
    }
  }
  const ChunkerOptions options{.target_tokens = 160, .overlap_tokens = 40};
  const auto chunks = ChunkDocument(doc, "Stories", options, **tokenizer);
  ASSERT_TRUE(chunks.ok()) << chunks.status();
  ASSERT_GT(chunks->size(), 6u);
  for (size_t i = 0; i < chunks->size(); ++i) {
    const Chunk& chunk = (*chunks)[i];
    EXPECT_FALSE(chunk.text.empty());
    EXPECT_THAT(chunk.embed_text, StartsWith("Stories \xE2\x80\xBA Chapter "));
    EXPECT_LE(chunk.token_count, options.target_tokens + options.max_heading_prefix_tokens)
        << chunk.embed_text;
    const std::array<std::string_view, 1> text = {chunk.embed_text};
    EXPECT_EQ(chunk.token_count, (*(*tokenizer)->CountTokens(text))[0]);
    if (i > 0 && chunk.heading_path == (*chunks)[i - 1].heading_path) {
      // Overlap: the chunk starts with a sentence the previous one ends with.
      const std::string_view head = std::string_view(chunk.text).substr(0, 20);
      EXPECT_NE((*chunks)[i - 1].text.find(head), std::string::npos) << chunk.text;
    }
  }
}

}  // namespace
}  // namespace hearth
