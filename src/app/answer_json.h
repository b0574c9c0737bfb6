// The stored (and served) JSON form of an answer's ledger and trace: the
// text kept in messages.ledger_json / trace_json and returned by the chat
// and messages routes, one shape for both.
//
// Thread-safety: pure functions.
#ifndef HEARTH_APP_ANSWER_JSON_H_
#define HEARTH_APP_ANSWER_JSON_H_

#include <string>

#include "app/answer_service.h"
#include "rag/thread_prompt.h"

namespace hearth {

// {"context_window", "budget", "system_prompt", "pinned", "retrieved",
//  "history", "question", "reserved_for_answer", "prompt_total", "recited",
//  "rebuilt", "rebuild_reason"?, "history_turns_dropped",
//  "dropped": [{"document_id", "document", "pages"?, "tokens", "reason"}]}
std::string LedgerJson(const TokenLedger& ledger);

// {"retrieval_ms", "query_embed_ms", "query_embed_cached", "vector_search_ms",
//  "lexical_search_ms", "rerank_ms", "queue_ms", "model_load_ms",
//  "prefill_ms", "decode_ms", "total_ms"}, milliseconds rounded to 0.01.
std::string TraceJson(const AnswerTrace& trace);

}  // namespace hearth

#endif  // HEARTH_APP_ANSWER_JSON_H_
