// AnswerService: a question in a workspace thread becomes a cited answer.
//
//   retrieve (app/retriever.h: passages new to the thread within the
//   workspace's context budget; passages the thread already holds are cited
//   again at no cost) → query mode with nothing relevant: the refusal text,
//   no model call → lease the chat model → render the thread's prompt
//   (rag/thread_prompt.h: it extends the previous turn's prompt, so the
//   runner's slot cache reuses it and only the new passages and question
//   are prefilled) → when it does not fit the context window or the history
//   limits, start a new context epoch: one full prefill of the recent turns
//   and this turn's passages → generate, streaming → store the question and
//   the answer with its sources, ledger and trace.
//
// Every answer carries a TokenLedger (where the prompt's tokens went, what
// was dropped and why) and an AnswerTrace (milliseconds per stage).
//
// Thread-safety: thread-safe. Two questions to one thread at once are
// refused (Aborted): the second would be asked without the first's answer.
#ifndef HEARTH_APP_ANSWER_SERVICE_H_
#define HEARTH_APP_ANSWER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "app/retriever.h"
#include "app/token_counter_cache.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "models/chat_formatter.h"
#include "models/inference.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "rag/thread_prompt.h"
#include "store/database.h"
#include "store/workspace_table.h"
#include "store/write_queue.h"

namespace hearth {

// The largest question, in bytes (the route answers 413 above it).
inline constexpr size_t kMaxQuestionBytes = 32 * 1024;

struct AnswerRequest {
  WorkspaceRow workspace;
  // The thread to continue; none starts a new one titled by the question.
  std::optional<int64_t> thread_id;
  std::string question;  // 1..kMaxQuestionBytes of UTF-8 with a non-space character
  // Overrides the workspace's mode for this question.
  std::optional<ChatMode> mode;
  // Who asks: the owner of a new thread (0: the single-user local owner).
  // The caller has authorized them for `thread_id`.
  int64_t user_id = 0;
  // The most tokens the answer may have (the server's
  // --max-generation-tokens); 0: only the context's answer reserve bounds it.
  int32_t max_answer_tokens = 0;
};

// Milliseconds per stage of one answer.
struct AnswerTrace {
  double retrieval_ms = 0;  // all of retrieval, the four stages below included
  double query_embed_ms = 0;
  bool query_embed_cached = false;
  double vector_search_ms = 0;
  double lexical_search_ms = 0;
  double rerank_ms = 0;
  double queue_ms = 0;       // waiting for the chat model and for a free slot
  double model_load_ms = 0;  // loading the chat model (0 when it was loaded)
  double prefill_ms = 0;
  double decode_ms = 0;
  double total_ms = 0;
};

// One passage the answer may cite as [number].
struct AnswerSource {
  int32_t number = 0;
  Passage passage;     // document, pages, chunk ids, text, scores, retrievers
  bool in_prompt = false;  // this turn sent its text (false: cited again)
  bool cited = false;      // the answer cites [number]
};

struct AnswerResult {
  int64_t thread_id = 0;
  int64_t question_message_id = 0;
  int64_t message_id = 0;  // the answer's
  ChatMode mode = ChatMode::kChat;
  bool refused = false;  // query mode found nothing relevant
  std::string answer;
  std::vector<AnswerSource> sources;  // by number
  TokenLedger ledger;
  AnswerTrace trace;
  std::string model;  // the chat model that answered ("" when refused)
  int32_t prompt_tokens = 0;
  int32_t cached_prompt_tokens = 0;  // of those, reused from the slot's cache
  int32_t generated_tokens = 0;
  FinishReason finish_reason = FinishReason::kStop;
  std::string retrieval_note;  // e.g. "lexical only: ..."
};

namespace internal {
struct AnswerTurn;  // one question's state, private to answer_service.cc
}  // namespace internal

// An answer ready to generate: retrieval done, the chat model leased, the
// prompt rendered, the thread claimed. Destroying it without Complete()
// releases all of that and stores nothing.
class PreparedAnswer {
 public:
  ~PreparedAnswer();
  PreparedAnswer(const PreparedAnswer&) = delete;
  PreparedAnswer& operator=(const PreparedAnswer&) = delete;

  // Everything but the answer, the message ids and the generation's counts
  // (a stream's first event).
  const AnswerResult& preliminary() const;

 private:
  friend class AnswerService;
  struct State;
  explicit PreparedAnswer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct AnswerServiceDeps {
  std::function<StatusOr<std::unique_ptr<Database>>()> open_reader;
  WriteQueue* writer = nullptr;
  ModelStore* models = nullptr;
  Scheduler* scheduler = nullptr;
  ChatFormatterCache* formatters = nullptr;
  TokenCounterCache* tokenizers = nullptr;
  Retriever* retriever = nullptr;
};

class AnswerService {
 public:
  // Every pointer in `deps` is required and must outlive the service.
  explicit AnswerService(AnswerServiceDeps deps);

  // Everything before generation. Errors: InvalidArgument for an empty,
  // oversized or non-UTF-8 question, or one that leaves no room for an
  // answer; NotFound for a thread that is not the workspace's;
  // FailedPrecondition when the workspace has no chat model (and the mode
  // needs one); Aborted when the thread is answering another question;
  // those of retrieval and the scheduler. Nothing is stored on error.
  StatusOr<std::unique_ptr<PreparedAnswer>> Prepare(const AnswerRequest& request,
                                                    std::stop_token stop);

  // Generates (streaming each piece to `on_piece`, whose false stops it) and
  // stores the question and the answer, also a failed or stopped one (with
  // its error). Errors: those of generation; Cancelled when `stop` was
  // requested or on_piece returned false (what was generated is stored).
  StatusOr<AnswerResult> Complete(PreparedAnswer& prepared, const PieceCallback& on_piece,
                                  std::stop_token stop);

  // Prepare and Complete.
  StatusOr<AnswerResult> Answer(const AnswerRequest& request, const PieceCallback& on_piece,
                                std::stop_token stop);

 private:
  using Turn = internal::AnswerTurn;

  StatusOr<Turn> PrepareTurn(const AnswerRequest& request, Database& reader);
  Status Retrieve(Turn& turn, bool whole_context, std::stop_token stop);
  Status BuildPrompt(Turn& turn, ModelLease& lease, std::stop_token stop);
  Status Generate(Turn& turn, ModelLease& lease, const PieceCallback& on_piece,
                  std::stop_token stop);
  Status FinishPreliminary(Turn& turn, Database& reader);
  Status Store(Turn& turn, const Status& outcome);

  AnswerServiceDeps deps_;
  std::mutex mu_;
  std::set<int64_t> busy_threads_ GUARDED_BY(mu_);
};

// The numbers [n] that `answer` cites, ascending and distinct.
std::vector<int32_t> CitedNumbers(std::string_view answer);

}  // namespace hearth

#endif  // HEARTH_APP_ANSWER_SERVICE_H_
