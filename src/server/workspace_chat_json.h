// The JSON (and CSV) shapes of the workspace chat API: threads, stored
// messages, answers, search results. Internal to server/.
#ifndef HEARTH_SERVER_WORKSPACE_CHAT_JSON_H_
#define HEARTH_SERVER_WORKSPACE_CHAT_JSON_H_

#include <string>

#include "app/answer_service.h"
#include "app/retriever.h"
#include "nlohmann/json.hpp"
#include "store/message_table.h"
#include "store/thread_table.h"

namespace hearth::internal {

nlohmann::json ThreadJson(const ThreadRow& thread);

// A stored message: {"id", "role", "content", "created_at", ...; for an
// answer "model", token counts, "sources", "ledger", "trace", "error"?}.
nlohmann::json MessageJson(const MessageRow& message);

// An answer as the chat route returns it; `complete` false gives the
// stream's first event (no answer text, ids or counts yet).
nlohmann::json AnswerJson(const AnswerResult& answer, bool complete);

nlohmann::json SearchJson(const SearchResult& result, double total_ms);

// "id,thread_id,role,created_at,model,content,sources\r\n"; RFC 4180
// quoting, and a cell that a spreadsheet would run as a formula (it starts
// with = + - @ or a tab) is prefixed with an apostrophe.
std::string CsvHeader();
std::string CsvRow(const MessageRow& message);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WORKSPACE_CHAT_JSON_H_
