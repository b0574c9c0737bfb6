// MessageTable: typed access to the messages of chat threads and the
// passages each answer cites.
//
// A message belongs to a thread (store/thread_table.h) and, through it, to a
// workspace; it keeps a copy of its workspace id so that retention can
// delete a workspace's old messages with one indexed query. An assistant
// message carries its sources: the passages it cites as [1], [2], ... Each
// source keeps its own copy of what the user was shown (document name,
// pages, snippet), so deleting a document leaves chat history intact.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   MessageTable messages(db);
//   MessageRow answer{.thread_id = thread_id, .role = MessageRole::kAssistant,
//                     .content = "Walruses use their tusks to haul out [1]."};
//   answer.sources.push_back({.number = 1, .chunk_id = 42, .document_name = "walrus.pdf"});
//   ASSIGN_OR_RETURN(int64_t id, messages.Append(answer));
//   ASSIGN_OR_RETURN(std::vector<MessageRow> history, messages.ListByThread(thread_id));
#ifndef HEARTH_STORE_MESSAGE_TABLE_H_
#define HEARTH_STORE_MESSAGE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// Who wrote a message.
enum class MessageRole { kUser, kAssistant };

// "user" or "assistant".
std::string_view MessageRoleName(MessageRole role);

// The largest message content, in bytes of UTF-8.
inline constexpr size_t kMaxMessageContentBytes = size_t{1} << 20;

// One passage an answer cites as [number].
struct MessageSource {
  int64_t number = 0;          // the n of [n] in the answer; 1-based, unique per message
  int64_t chunk_id = 0;        // the chunk it came from (which may since be deleted)
  // Every chunk the passage joins, in order (adjacent chunks merge into one
  // passage); empty means {chunk_id}.
  std::vector<int64_t> chunk_ids;
  int64_t document_id = 0;
  std::string document_name;
  int64_t page_first = 0;      // 0 when the document has no pages
  int64_t page_last = 0;
  std::string heading_path;
  std::string snippet;         // the text shown to the user
  double score = 0.0;          // the retrieval (or rerank) score
  std::string retrievers;      // which retrievers found it, e.g. "vector,lexical"
  // True when this turn put the passage's text into the prompt; false when
  // the thread's context already held it and it was only cited again.
  bool in_prompt = true;
};

struct MessageRow {
  int64_t id = 0;              // set by Append
  int64_t thread_id = 0;
  int64_t workspace_id = 0;    // set by Append from the thread; ignored on input
  MessageRole role = MessageRole::kUser;
  std::string content;         // 0..1 MiB of UTF-8
  // A user message as the model saw it (passages, then the question);
  // "" when it is the content itself. 0..4 MiB of UTF-8.
  std::string prompt_content;
  // Unix milliseconds; Append uses now when 0 (a caller importing history
  // passes the original time).
  int64_t created_at_ms = 0;
  int64_t context_epoch = 0;   // the thread's epoch whose prompt this turn used
  std::string model;           // the model that answered; "" for user messages
  int64_t prompt_tokens = 0;   // >= 0, as are the two counts below
  int64_t cached_prompt_tokens = 0;
  int64_t generated_tokens = 0;
  std::string ledger_json;     // opaque to the store; written by server/
  std::string trace_json;      // opaque to the store; written by server/
  std::string error;           // why the answer failed; "" when it did not
  std::vector<MessageSource> sources;  // ordered by number
};

class MessageTable {
 public:
  explicit MessageTable(Database& db) : db_(db) {}

  // Inserts `row` (its id and workspace_id are ignored) with its sources in
  // one transaction, a savepoint when one is already open, and sets the
  // thread's updated_at to now. Returns the new message id.
  // Errors: InvalidArgument naming the field for content that is not UTF-8
  // or over 1 MiB, other text with a NUL byte or invalid UTF-8, negative
  // token counts, or a source number below 1 or repeated; NotFound when the
  // thread does not exist. Nothing is written on error.
  StatusOr<int64_t> Append(const MessageRow& row);

  // The message with its sources. Errors: NotFound naming the message.
  StatusOr<MessageRow> Get(int64_t id);

  // The thread's messages with their sources, oldest first. Empty for an
  // unknown thread.
  StatusOr<std::vector<MessageRow>> ListByThread(int64_t thread_id);

  // Up to `limit` of the workspace's messages with id > after_id, with
  // their sources, oldest first: pages for an export (pass the last id of
  // one page as the next page's after_id). InvalidArgument when limit < 1.
  StatusOr<std::vector<MessageRow>> ListByWorkspace(int64_t workspace_id, int64_t after_id,
                                                    int64_t limit);

  // Retention: deletes the workspace's messages created before `cutoff_ms`
  // (unix milliseconds) with their sources, then the workspace's threads
  // that are left with no message and were last updated before the cutoff,
  // in one transaction. Returns the number of messages deleted.
  StatusOr<int64_t> DeleteOlderThan(int64_t workspace_id, int64_t cutoff_ms);

  // The distinct chunk ids, ascending, whose text entered the prompt
  // (in_prompt) in the thread's messages of context epoch `epoch`: what the
  // thread's current context already holds. Empty for an unknown thread.
  StatusOr<std::vector<int64_t>> ListSourceChunkIds(int64_t thread_id, int64_t epoch);

 private:
  Status InsertSources(int64_t message_id, const std::vector<MessageSource>& sources);
  Status LoadSources(std::vector<MessageRow>& rows);
  StatusOr<std::vector<MessageRow>> ReadRows(Statement& stmt);

  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_MESSAGE_TABLE_H_
