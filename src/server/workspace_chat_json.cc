#include "server/workspace_chat_json.h"

#include <chrono>
#include <cmath>

#include "app/answer_json.h"
#include "base/clock.h"
#include "base/utf8.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

json Pages(int64_t first, int64_t last) {
  if (first <= 0) return nullptr;
  return json::array({first, last});
}

// Stored JSON text back as an object (an empty or damaged one as null).
json StoredJson(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

json RetrieversJson(const std::vector<RetrieverRank>& ranks) {
  json list = json::array();
  for (const RetrieverRank& rank : ranks) {
    list.push_back({{"retriever", rank.retriever}, {"rank", rank.rank}});
  }
  return list;
}

json StoredSourceJson(const MessageSource& source) {
  json retrievers = json::array();
  size_t start = 0;
  while (start < source.retrievers.size()) {
    size_t end = source.retrievers.find(',', start);
    if (end == std::string::npos) end = source.retrievers.size();
    retrievers.push_back(source.retrievers.substr(start, end - start));
    start = end + 1;
  }
  return {{"number", source.number},
          {"document_id", source.document_id},
          {"document", source.document_name},
          {"pages", Pages(source.page_first, source.page_last)},
          {"heading", source.heading_path},
          {"chunk_ids", source.chunk_ids},
          {"snippet", source.snippet},
          {"score", source.score},
          {"retrievers", retrievers},
          {"in_prompt", source.in_prompt}};
}

json AnswerSourceJson(const AnswerSource& source) {
  const Passage& passage = source.passage;
  json out = {{"number", source.number},
              {"document_id", passage.document_id},
              {"document", passage.document_name},
              {"pages", Pages(passage.page_first, passage.page_last)},
              {"heading", passage.heading_path},
              {"chunk_ids", passage.chunk_ids},
              {"snippet", Utf8Prefix(passage.text, 400)},
              {"score", passage.score},
              {"retrievers", RetrieversJson(passage.found_by)},
              {"in_prompt", source.in_prompt},
              {"cited", source.cited},
              {"pinned", passage.pinned},
              {"tokens", passage.token_count}};
  if (passage.relevance) out["relevance"] = *passage.relevance;
  return out;
}

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "cancelled";
  }
  return "stop";
}

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    cell += '\'';
  }
  cell += text;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

json ThreadJson(const ThreadRow& thread) {
  return {{"id", thread.id},
          {"title", thread.title},
          {"user_id", thread.user_id},
          {"created_at", FormatRfc3339UnixMillis(thread.created_at_ms)},
          {"updated_at", FormatRfc3339UnixMillis(thread.updated_at_ms)}};
}

json MessageJson(const MessageRow& message) {
  json out = {{"id", message.id},
              {"thread", message.thread_id},
              {"role", MessageRoleName(message.role)},
              {"content", message.content},
              {"created_at", FormatRfc3339UnixMillis(message.created_at_ms)}};
  if (message.role == MessageRole::kAssistant) {
    json sources = json::array();
    for (const MessageSource& source : message.sources) sources.push_back(StoredSourceJson(source));
    out["model"] = message.model;
    out["usage"] = {{"prompt_tokens", message.prompt_tokens},
                    {"cached_prompt_tokens", message.cached_prompt_tokens},
                    {"generated_tokens", message.generated_tokens}};
    out["sources"] = std::move(sources);
    out["ledger"] = StoredJson(message.ledger_json);
    out["trace"] = StoredJson(message.trace_json);
  }
  if (!message.error.empty()) out["error"] = message.error;
  return out;
}

json AnswerJson(const AnswerResult& answer, bool complete) {
  json sources = json::array();
  for (const AnswerSource& source : answer.sources) sources.push_back(AnswerSourceJson(source));
  json out = {{"thread", answer.thread_id},
              {"mode", ChatModeName(answer.mode)},
              {"refused", answer.refused},
              {"model", answer.model},
              {"sources", std::move(sources)},
              {"ledger", json::parse(LedgerJson(answer.ledger))}};
  if (!answer.retrieval_note.empty()) out["note"] = answer.retrieval_note;
  if (!complete) return out;
  out["message_id"] = answer.message_id;
  out["question_message_id"] = answer.question_message_id;
  out["answer"] = answer.answer;
  out["finish_reason"] = FinishReasonName(answer.finish_reason);
  out["usage"] = {{"prompt_tokens", answer.prompt_tokens},
                  {"cached_prompt_tokens", answer.cached_prompt_tokens},
                  {"generated_tokens", answer.generated_tokens}};
  out["trace"] = json::parse(TraceJson(answer.trace));
  return out;
}

json SearchJson(const SearchResult& result, double total_ms) {
  json hits = json::array();
  for (const ScoredChunk& hit : result.hits) {
    json item = {{"chunk_id", hit.chunk.id},
                 {"document_id", hit.chunk.document_id},
                 {"document", hit.document_name},
                 {"pages", Pages(hit.chunk.page_first, hit.chunk.page_last)},
                 {"heading", hit.chunk.heading_path},
                 {"text", hit.chunk.text},
                 {"score", hit.fused_score},
                 {"retrievers", RetrieversJson(hit.found_by)}};
    if (hit.similarity) item["similarity"] = *hit.similarity;
    if (hit.lexical_score) item["lexical_score"] = *hit.lexical_score;
    if (hit.rerank_score) item["rerank_score"] = *hit.rerank_score;
    if (hit.relevance) item["relevance"] = *hit.relevance;
    hits.push_back(std::move(item));
  }
  json dropped = json::array();
  for (const DroppedChunk& drop : result.dropped) {
    dropped.push_back({{"chunk_id", drop.chunk_id},
                       {"document_id", drop.document_id},
                       {"reason", DropReasonName(drop.reason)}});
  }
  const auto rounded = [](double ms) { return std::round(ms * 100.0) / 100.0; };
  json out = {{"results", std::move(hits)},
              {"dropped", std::move(dropped)},
              {"reranked", result.reranked},
              {"counts", {{"vector", result.counts.vector},
                          {"lexical", result.counts.lexical},
                          {"fused", result.counts.fused},
                          {"reranked", result.counts.reranked}}},
              {"trace", {{"query_embed_ms", rounded(result.timings.query_embed_ms)},
                         {"query_embed_cached", result.timings.query_embed_cached},
                         {"vector_search_ms", rounded(result.timings.vector_search_ms)},
                         {"lexical_search_ms", rounded(result.timings.lexical_search_ms)},
                         {"rerank_ms", rounded(result.timings.rerank_ms)},
                         {"total_ms", rounded(total_ms)}}}};
  if (!result.note.empty()) out["note"] = result.note;
  return out;
}

std::string CsvHeader() { return "id,thread_id,role,created_at,model,content,sources\r\n"; }

std::string CsvRow(const MessageRow& message) {
  std::string sources;
  for (const MessageSource& source : message.sources) {
    if (!sources.empty()) sources += "; ";
    sources += "[" + std::to_string(source.number) + "] " + source.document_name;
    if (source.page_first > 0) {
      sources += " p. " + std::to_string(source.page_first);
      if (source.page_last > source.page_first) sources += "-" + std::to_string(source.page_last);
    }
  }
  return std::to_string(message.id) + "," + std::to_string(message.thread_id) + "," +
         std::string(MessageRoleName(message.role)) + "," + FormatRfc3339UnixMillis(message.created_at_ms) + "," +
         CsvCell(message.model) + "," + CsvCell(message.content) + "," + CsvCell(sources) + "\r\n";
}

}  // namespace hearth::internal
