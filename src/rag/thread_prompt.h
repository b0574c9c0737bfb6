// How a workspace thread becomes a chat prompt, so that it grows by
// appending and the runner's cached prefix survives from turn to turn.
//
// A thread's prompt (within one context epoch) is the chat
//   system: the workspace's system prompt
//   user:   turn 1 — its passages ([1], [2], ...), then the question
//   assistant: answer 1
//   user:   turn 2 — only the passages new to the thread ([3], ...), a line
//           naming earlier passages that apply again ("[1] applies again"),
//           then the question
//   ...
// Earlier turns are replayed exactly as they were sent (the stored
// prompt_content of each user message), so turn N's prompt starts with turn
// N-1's prompt and answer. Passage numbers are stable within an epoch: a
// passage cited in turn 1 as [2] is [2] in every later turn. When the epoch's
// prompt no longer fits its budget, the thread starts a new epoch: one full
// prefill of the system prompt, recent turns and the current passages.
//
// Pure functions; thread-safe.
#ifndef HEARTH_RAG_THREAD_PROMPT_H_
#define HEARTH_RAG_THREAD_PROMPT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rag/passage_packer.h"

namespace hearth {

// The content of a user turn: "Sources:" and the new passages (each its
// CitationHeader, rag/passage_packer.h, then its text, under the number the
// thread gives it), a line naming the earlier passages that apply again
// (when any), and the question. With neither, the question alone.
std::string RenderUserTurn(std::span<const Passage> new_passages,
                           std::span<const int32_t> recited_numbers, std::string_view question);

// One earlier turn of the epoch, as it was sent and answered.
struct PriorTurn {
  std::string user_content;  // RenderUserTurn's text for that turn
  std::string answer;        // the assistant's reply ("" when it failed)
};

struct ThreadMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

// The whole conversation for the model: the system prompt (when not empty),
// the prior turns (a failed turn, with no answer, is left out: the model
// never saw a reply to it), then `user_content`.
std::vector<ThreadMessage> ThreadConversation(std::string_view system_prompt,
                                                std::span<const PriorTurn> prior,
                                                std::string_view user_content);

// Where the tokens of a prompt went, and what did not fit. Every answer
// carries one (the "ledger").
struct LedgerDrop {
  int64_t document_id = 0;
  std::string document_name;
  int64_t page_first = 0;
  int64_t page_last = 0;
  int32_t tokens = 0;   // what it would have cost
  std::string reason;   // "over_budget", "below_threshold", "duplicate", ...
};

struct TokenLedger {
  int32_t context_window = 0;       // the chat model's context, tokens
  int32_t budget = 0;               // the workspace's context budget for passages
  int32_t system_prompt = 0;
  int32_t pinned = 0;               // new passages from pinned documents
  int32_t retrieved = 0;            // other new passages
  int32_t history = 0;              // earlier turns replayed
  int32_t question = 0;
  int32_t reserved_for_answer = 0;
  int32_t prompt_total = 0;         // as the chat model tokenized the prompt
  int32_t recited = 0;              // passages already in the thread, cited again
  bool rebuilt = false;             // this turn started a new context epoch
  std::string rebuild_reason;       // why, when rebuilt
  int32_t history_turns_dropped = 0;  // earlier turns left out by the rebuild
  std::vector<LedgerDrop> dropped;
};

}  // namespace hearth

#endif  // HEARTH_RAG_THREAD_PROMPT_H_
