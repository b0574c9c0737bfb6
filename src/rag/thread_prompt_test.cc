#include "rag/thread_prompt.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

Passage MakePassage(int number, int64_t first, int64_t last) {
  Passage passage;
  passage.number = number;
  passage.document_name = "report.pdf";
  passage.page_first = first;
  passage.page_last = last;
  passage.text = "Revenue grew.";
  return passage;
}

TEST(ThreadPromptTest, UserTurnListsNewPassagesThenRecitedOnesThenTheQuestion) {
  const Passage passages[] = {MakePassage(3, 1, 1), MakePassage(4, 0, 0)};
  const int32_t recited[] = {1, 2};
  EXPECT_EQ(RenderUserTurn(passages, recited, "Why?"),
            "Sources:\n" + CitationHeader(passages[0]) + "Revenue grew.\n\n" +
                CitationHeader(passages[1]) + "Revenue grew.\n\n" +
                "Sources given earlier that apply again: [1], [2]\n\nQuestion: Why?");
  EXPECT_NE(CitationHeader(passages[0]).find("[3] report.pdf"), std::string::npos);
  EXPECT_EQ(RenderUserTurn({}, {}, "Hello"), "Hello");
}

TEST(ThreadPromptTest, ConversationReplaysAnsweredTurnsInOrder) {
  const PriorTurn prior[] = {{"q1", "a1"}, {"q2", ""}, {"q3", "a3"}};
  std::vector<ThreadMessage> messages = ThreadConversation("Be brief.", prior, "q4");
  ASSERT_EQ(messages.size(), 6u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[1].content, "q1");
  EXPECT_EQ(messages[2].content, "a1");
  EXPECT_EQ(messages[3].content, "q3");  // the failed turn is left out
  EXPECT_EQ(messages[5].role, "user");
  EXPECT_EQ(messages[5].content, "q4");
  EXPECT_EQ(ThreadConversation("", {}, "q").size(), 1u);
}

// The property the slot cache relies on: the next turn's conversation starts
// with the previous turn's conversation and its answer.
TEST(ThreadPromptTest, NextTurnExtendsThePreviousConversation) {
  const PriorTurn first[] = {{"u1", "a1"}};
  std::vector<ThreadMessage> turn2 = ThreadConversation("s", first, "u2");
  const PriorTurn both[] = {{"u1", "a1"}, {"u2", "a2"}};
  std::vector<ThreadMessage> turn3 = ThreadConversation("s", both, "u3");
  ASSERT_GT(turn3.size(), turn2.size());
  for (size_t i = 0; i < turn2.size(); ++i) {
    EXPECT_EQ(turn3[i].role, turn2[i].role);
    EXPECT_EQ(turn3[i].content, turn2[i].content);
  }
}

}  // namespace
}  // namespace hearth
