#include "app/answer_json.h"

#include <cmath>

#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using json = nlohmann::ordered_json;

double Rounded(double millis) { return std::round(millis * 100.0) / 100.0; }

json DropJson(const LedgerDrop& drop) {
  json item = {{"document_id", drop.document_id},
               {"document", drop.document_name},
               {"tokens", drop.tokens},
               {"reason", drop.reason}};
  if (drop.page_first > 0) item["pages"] = {drop.page_first, drop.page_last};
  return item;
}

}  // namespace

std::string LedgerJson(const TokenLedger& ledger) {
  json dropped = json::array();
  for (const LedgerDrop& drop : ledger.dropped) dropped.push_back(DropJson(drop));
  json out = {{"context_window", ledger.context_window},
              {"budget", ledger.budget},
              {"system_prompt", ledger.system_prompt},
              {"pinned", ledger.pinned},
              {"retrieved", ledger.retrieved},
              {"history", ledger.history},
              {"question", ledger.question},
              {"reserved_for_answer", ledger.reserved_for_answer},
              {"prompt_total", ledger.prompt_total},
              {"recited", ledger.recited},
              {"rebuilt", ledger.rebuilt}};
  if (ledger.rebuilt) out["rebuild_reason"] = ledger.rebuild_reason;
  out["history_turns_dropped"] = ledger.history_turns_dropped;
  out["dropped"] = std::move(dropped);
  return out.dump();
}

std::string TraceJson(const AnswerTrace& trace) {
  json out = {{"retrieval_ms", Rounded(trace.retrieval_ms)},
              {"query_embed_ms", Rounded(trace.query_embed_ms)},
              {"query_embed_cached", trace.query_embed_cached},
              {"vector_search_ms", Rounded(trace.vector_search_ms)},
              {"lexical_search_ms", Rounded(trace.lexical_search_ms)},
              {"rerank_ms", Rounded(trace.rerank_ms)},
              {"queue_ms", Rounded(trace.queue_ms)},
              {"model_load_ms", Rounded(trace.model_load_ms)},
              {"prefill_ms", Rounded(trace.prefill_ms)},
              {"decode_ms", Rounded(trace.decode_ms)},
              {"total_ms", Rounded(trace.total_ms)}};
  return out.dump();
}

}  // namespace hearth
