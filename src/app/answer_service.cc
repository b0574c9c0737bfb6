#include "app/answer_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "app/answer_json.h"
#include "base/status_macros.h"
#include "base/utf8.h"
#include "models/model_name.h"
#include "store/document_table.h"
#include "store/message_table.h"
#include "store/thread_table.h"

namespace hearth {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr size_t kTitleBytes = 80;
constexpr size_t kSnippetBytes = 400;
constexpr int32_t kMinAnswerReserve = 64;
constexpr int32_t kMaxAnswerReserve = 1024;

double MillisBetween(SteadyTime start, SteadyTime end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

double Millis(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

bool HasNonSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return c != ' ' && c != '\t' && c != '\n' && c != '\r'; });
}

Status CheckQuestion(std::string_view question) {
  if (question.size() > kMaxQuestionBytes) {
    return InvalidArgumentError("the message is " + std::to_string(question.size()) +
                                " bytes; at most " + std::to_string(kMaxQuestionBytes) +
                                " are accepted");
  }
  if (!IsValidUtf8(question)) return InvalidArgumentError("the message is not valid UTF-8");
  if (!HasNonSpace(question)) return InvalidArgumentError("the message is empty");
  return OkStatus();
}

// What the context window leaves for the answer: a quarter of it, within
// [kMinAnswerReserve, kMaxAnswerReserve].
int32_t AnswerReserve(int32_t context_window) {
  return std::clamp(context_window / 4, kMinAnswerReserve, kMaxAnswerReserve);
}

std::string RetrieverNames(const Passage& passage) {
  std::string names;
  for (const RetrieverRank& rank : passage.found_by) {
    if (!names.empty()) names += ",";
    names += rank.retriever;
  }
  return names;
}

StatusOr<int32_t> CountTokens(TokenCounter& counter, std::string_view text) {
  const std::string_view texts[] = {text};
  ASSIGN_OR_RETURN(std::vector<int32_t> counts, counter.CountTokens(texts));
  return counts.front();
}

}  // namespace

// The state of one question on its way to an answer.
struct internal::AnswerTurn {
  AnswerRequest request;
  ChatMode mode = ChatMode::kChat;
  ThreadRow thread;
  bool new_thread = false;
  TokenCounter* counter = nullptr;  // the chat model's; null without one
  std::optional<ResolvedModel> chat_model;

  // The thread's current epoch, as stored.
  std::vector<PriorTurn> prior;
  std::vector<std::pair<std::string, std::string>> prior_questions;  // question, answer
  int64_t history_qa_tokens = 0;
  std::map<int64_t, int32_t> numbers;  // chunk id -> its [n] in the epoch
  std::vector<int64_t> in_context;
  int32_t next_number = 1;

  // This turn.
  bool rebuild = false;
  std::string rebuild_reason;
  std::string carried;  // earlier turns folded into a rebuilt epoch's first turn
  int32_t carried_turns = 0;
  RetrievalResult retrieved;
  std::vector<AnswerSource> sources;
  std::vector<Passage> fresh;  // the new passages, in prompt order
  std::string user_content;
  GenerateRequest generate;
  AnswerResult result;
  SteadyTime started;
};

namespace {

// Marks a thread busy for the lifetime of the claim.
class ThreadClaim {
 public:
  ThreadClaim(std::mutex& mu, std::set<int64_t>& busy, int64_t thread)
      : mu_(mu), busy_(busy), thread_(thread) {}
  ~ThreadClaim() {
    std::lock_guard lock(mu_);
    busy_.erase(thread_);
  }
  ThreadClaim(const ThreadClaim&) = delete;
  ThreadClaim& operator=(const ThreadClaim&) = delete;

 private:
  std::mutex& mu_;
  std::set<int64_t>& busy_;
  int64_t thread_;
};

}  // namespace

AnswerService::AnswerService(AnswerServiceDeps deps) : deps_(std::move(deps)) {}

std::vector<int32_t> CitedNumbers(std::string_view answer) {
  std::vector<int32_t> numbers;
  for (size_t i = 0; i < answer.size(); ++i) {
    if (answer[i] != '[') continue;
    size_t j = i + 1;
    int64_t value = 0;
    while (j < answer.size() && j - i <= 4 && answer[j] >= '0' && answer[j] <= '9') {
      value = value * 10 + (answer[j] - '0');
      ++j;
    }
    if (j > i + 1 && j < answer.size() && answer[j] == ']' && value > 0) {
      numbers.push_back(static_cast<int32_t>(value));
    }
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  return numbers;
}

// Reads the thread's epoch: the turns to replay, the passages it holds and
// their numbers, and whether the history limits call for a new epoch.
static Status LoadEpoch(Database& reader, TokenCounter* counter, const ThreadRow& thread, std::vector<PriorTurn>& prior,
                        std::vector<std::pair<std::string, std::string>>& questions,
                        int64_t& qa_tokens, std::map<int64_t, int32_t>& numbers,
                        std::vector<int64_t>& in_context, int32_t& next_number) {
  ASSIGN_OR_RETURN(std::vector<MessageRow> messages, MessageTable(reader).ListByThread(thread.id));
  for (size_t i = 0; i + 1 < messages.size(); ++i) {
    const MessageRow& question = messages[i];
    const MessageRow& answer = messages[i + 1];
    if (question.role != MessageRole::kUser || answer.role != MessageRole::kAssistant) continue;
    ++i;
    const bool answered = answer.error.empty() && !answer.content.empty();
    if (answered) questions.emplace_back(question.content, answer.content);
    if (question.context_epoch != thread.context_epoch || !answered) continue;
    prior.push_back({question.prompt_content, answer.content});
    for (const MessageSource& source : answer.sources) {
      next_number = std::max<int32_t>(next_number, static_cast<int32_t>(source.number) + 1);
      if (!source.in_prompt) continue;
      for (int64_t chunk : source.chunk_ids) {
        numbers[chunk] = static_cast<int32_t>(source.number);
        in_context.push_back(chunk);
      }
    }
  }
  if (counter != nullptr) {
    // The epoch's turns are the most recent answered ones.
    std::vector<std::string_view> texts;
    const size_t first = questions.size() - std::min(questions.size(), prior.size());
    for (size_t i = first; i < questions.size(); ++i) {
      texts.push_back(questions[i].first);
      texts.push_back(questions[i].second);
    }
    ASSIGN_OR_RETURN(std::vector<int32_t> counts, counter->CountTokens(texts));
    for (int32_t count : counts) qa_tokens += count;
  }
  return OkStatus();
}

StatusOr<AnswerService::Turn> AnswerService::PrepareTurn(const AnswerRequest& request,
                                                         Database& reader) {
  Turn turn;
  turn.started = std::chrono::steady_clock::now();
  turn.request = request;
  const WorkspaceSettings& settings = request.workspace.settings;
  turn.mode = request.mode.value_or(settings.mode);
  if (request.thread_id) {
    StatusOr<ThreadRow> thread = ThreadTable(reader).Get(*request.thread_id);
    if (!thread.ok() || thread->workspace_id != request.workspace.id) {
      return NotFoundError("thread " + std::to_string(*request.thread_id) +
                           " does not exist in workspace '" + request.workspace.slug + "'");
    }
    turn.thread = *thread;
  } else {
    turn.new_thread = true;
  }
  if (!settings.chat_model.empty()) {
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(settings.chat_model));
    ASSIGN_OR_RETURN(ResolvedModel model, deps_.models->Resolve(name));
    if (!model.remote) {
      ASSIGN_OR_RETURN(turn.counter, deps_.tokenizers->For(model));
    }
    turn.chat_model = std::move(model);
  }
  if (!turn.new_thread) {
    RETURN_IF_ERROR(LoadEpoch(reader, turn.counter, turn.thread, turn.prior,
                              turn.prior_questions, turn.history_qa_tokens, turn.numbers,
                              turn.in_context, turn.next_number));
  }
  const int64_t prior_messages = static_cast<int64_t>(turn.prior.size()) * 2;
  if (!turn.prior.empty() && prior_messages + 1 > settings.history_messages) {
    turn.rebuild = true;
    turn.rebuild_reason = "the thread's history reached " + std::to_string(prior_messages) +
                          " messages (history_messages " +
                          std::to_string(settings.history_messages) + ")";
  } else if (!turn.prior.empty() && turn.history_qa_tokens > settings.history_tokens) {
    turn.rebuild = true;
    turn.rebuild_reason = "the thread's history reached " +
                          std::to_string(turn.history_qa_tokens) + " tokens (history_tokens " +
                          std::to_string(settings.history_tokens) + ")";
  }
  return turn;
}

Status AnswerService::Retrieve(Turn& turn, bool whole_context, std::stop_token stop) {
  const WorkspaceSettings& settings = turn.request.workspace.settings;
  RetrievalRequest request{
      .workspace = turn.request.workspace,
      .query = turn.request.question,
      .reranker = settings.reranker,
      .top_k = static_cast<int>(settings.top_k),
      .budget_tokens = settings.context_budget_tokens,
      .chat_counter = turn.counter,
  };
  if (settings.similarity_threshold > 0) {
    request.similarity_threshold = settings.similarity_threshold;
  }
  if (!whole_context) request.already_in_context = turn.in_context;
  ASSIGN_OR_RETURN(turn.retrieved, deps_.retriever->Retrieve(request, stop));
  // Numbers: a passage the thread holds keeps its number; new ones continue.
  turn.sources.clear();
  turn.fresh.clear();
  int32_t next = whole_context ? 1 : turn.next_number;
  std::set<int32_t> recited;
  for (Passage& passage : turn.retrieved.passages) {
    AnswerSource source;
    if (passage.already_in_context && !whole_context) {
      auto known = turn.numbers.find(passage.chunk_ids.front());
      if (known == turn.numbers.end() || !recited.insert(known->second).second) continue;
      source.number = known->second;
    } else {
      source.number = next++;
      source.in_prompt = true;
    }
    passage.number = source.number;
    source.passage = passage;
    if (source.in_prompt) turn.fresh.push_back(passage);
    turn.sources.push_back(std::move(source));
  }
  std::sort(turn.sources.begin(), turn.sources.end(),
            [](const AnswerSource& a, const AnswerSource& b) { return a.number < b.number; });
  return OkStatus();
}

// Folds the most recent answered turns (within the history limits) into the
// text a rebuilt epoch's first turn starts with.
static StatusOr<std::string> CarriedHistory(
    const std::vector<std::pair<std::string, std::string>>& questions,
    const WorkspaceSettings& settings, TokenCounter* counter, size_t keep_at_most,
    int32_t* carried_turns) {
  std::vector<std::string> kept;
  int64_t tokens = 0;
  const size_t limit = std::min<size_t>(keep_at_most,
                                        static_cast<size_t>(settings.history_messages / 2));
  for (size_t i = questions.size(); i > 0 && kept.size() < limit; --i) {
    std::string text = "User: " + questions[i - 1].first + "\nAssistant: " +
                       questions[i - 1].second + "\n";
    int64_t cost = static_cast<int64_t>(text.size() / 4);
    if (counter != nullptr) {
      ASSIGN_OR_RETURN(cost, CountTokens(*counter, text));
    }
    if (tokens + cost > settings.history_tokens) break;
    tokens += cost;
    kept.push_back(std::move(text));
  }
  *carried_turns = static_cast<int32_t>(kept.size());
  if (kept.empty()) return std::string();
  std::string carried = "Earlier in this conversation:\n";
  for (size_t i = kept.size(); i > 0; --i) carried += kept[i - 1];
  return carried + "\n";
}

Status AnswerService::BuildPrompt(Turn& turn, ModelLease& lease, std::stop_token stop) {
  const WorkspaceSettings& settings = turn.request.workspace.settings;
  ASSIGN_OR_RETURN(std::shared_ptr<const ChatFormatter> formatter,
                   deps_.formatters->Get(lease.model()));
  const int32_t window = lease.options().context_length;
  int32_t reserve = AnswerReserve(window);
  if (turn.request.max_answer_tokens > 0) reserve = std::min(reserve, turn.request.max_answer_tokens);
  size_t carry_limit = turn.prior_questions.size();
  while (true) {
    if (turn.rebuild) {
      ASSIGN_OR_RETURN(turn.carried, CarriedHistory(turn.prior_questions, settings, turn.counter,
                                                    carry_limit, &turn.carried_turns));
    }
    std::vector<int32_t> recited;
    for (const AnswerSource& source : turn.sources) {
      if (!source.in_prompt) recited.push_back(source.number);
    }
    turn.user_content = turn.carried + RenderUserTurn(turn.fresh, recited, turn.request.question);
    std::span<const PriorTurn> prior = turn.rebuild ? std::span<const PriorTurn>() : turn.prior;
    std::vector<ThreadMessage> conversation =
        ThreadConversation(settings.system_prompt, prior, turn.user_content);
    ChatFormatRequest chat;
    for (ThreadMessage& message : conversation) {
      chat.messages.push_back({.role = message.role, .content = std::move(message.content)});
    }
    ASSIGN_OR_RETURN(FormattedChat formatted, formatter->Format(chat));
    turn.generate.prompt = std::move(formatted.prompt);
    turn.generate.add_special = !formatted.prompt_has_bos;
    turn.generate.stop = std::move(formatted.stop);
    ASSIGN_OR_RETURN(std::vector<int32_t> tokens,
                     lease.backend().Tokenize(turn.generate.prompt, turn.generate.add_special));
    const int32_t total = static_cast<int32_t>(tokens.size());
    turn.result.ledger.prompt_total = total;
    turn.result.ledger.context_window = window;
    turn.result.ledger.reserved_for_answer = std::min(reserve, std::max(0, window - total));
    if (total + reserve <= window) return OkStatus();
    // It does not fit: a new epoch first, then fewer passages, then less history.
    if (!turn.rebuild) {
      turn.rebuild = true;
      turn.rebuild_reason = "the thread's prompt (" + std::to_string(total) + " tokens) and " +
                            std::to_string(reserve) + " tokens for the answer exceed the " +
                            std::to_string(window) + "-token context";
      RETURN_IF_ERROR(Retrieve(turn, /*whole_context=*/true, stop));
      continue;
    }
    if (!turn.fresh.empty()) {
      const Passage& last = turn.fresh.back();
      turn.result.ledger.dropped.push_back({.document_id = last.document_id,
                                            .document_name = last.document_name,
                                            .page_first = last.page_first,
                                            .page_last = last.page_last,
                                            .tokens = static_cast<int32_t>(last.token_count),
                                            .reason = "context_window"});
      const int32_t number = last.number;
      std::erase_if(turn.sources, [number](const AnswerSource& s) { return s.number == number; });
      turn.fresh.pop_back();
      continue;
    }
    if (carry_limit > 0 && turn.carried_turns > 0) {
      carry_limit = static_cast<size_t>(turn.carried_turns - 1);
      continue;
    }
    return InvalidArgumentError("the question (" + std::to_string(total) +
                                " tokens with the system prompt) leaves no room for an answer "
                                "in the chat model's " + std::to_string(window) +
                                "-token context; shorten it or the workspace's system prompt");
  }
}

Status AnswerService::Generate(Turn& turn, ModelLease& lease, const PieceCallback& on_piece,
                               std::stop_token stop) {
  turn.generate.sampling.temperature =
      static_cast<float>(turn.request.workspace.settings.temperature);
  turn.generate.max_tokens = turn.result.ledger.reserved_for_answer;
  StatusOr<GenerateResult> generated =
      lease.backend().Generate(turn.generate, on_piece, stop);
  if (!generated.ok()) {
    if (generated.status().code() == StatusCode::kUnavailable) {
      lease.ReportBackendFailure(generated.status());
    }
    return generated.status();
  }
  AnswerResult& result = turn.result;
  result.answer = generated->text;
  result.prompt_tokens = generated->prompt_tokens;
  result.cached_prompt_tokens = generated->cached_prompt_tokens;
  result.generated_tokens = generated->generated_tokens;
  result.finish_reason = generated->finish_reason;
  result.trace.queue_ms += Millis(generated->queue_duration);
  result.trace.prefill_ms = Millis(generated->prefill_duration);
  result.trace.decode_ms = Millis(generated->decode_duration);
  result.ledger.prompt_total = generated->prompt_tokens;
  if (generated->finish_reason == FinishReason::kCancelled) {
    return CancelledError("the answer was stopped");
  }
  return OkStatus();
}

// Fills the ledger's token counts of the parts (the total comes from the
// model's own tokenizer in BuildPrompt).
static Status CountLedger(TokenCounter* counter, const WorkspaceSettings& settings,
                          std::span<const PriorTurn> prior, const std::string& carried,
                          std::string_view question, std::span<const AnswerSource> sources,
                          TokenLedger& ledger) {
  std::vector<std::string_view> texts = {settings.system_prompt, question, carried};
  for (const PriorTurn& turn : prior) {
    texts.push_back(turn.user_content);
    texts.push_back(turn.answer);
  }
  std::vector<int32_t> counts(texts.size(), 0);
  if (counter != nullptr) {
    ASSIGN_OR_RETURN(counts, counter->CountTokens(texts));
  } else {
    for (size_t i = 0; i < texts.size(); ++i) counts[i] = static_cast<int32_t>(texts[i].size() / 4);
  }
  ledger.system_prompt = counts[0];
  ledger.question = counts[1];
  ledger.history = 0;
  for (size_t i = 2; i < counts.size(); ++i) ledger.history += counts[i];
  for (const AnswerSource& source : sources) {
    if (!source.in_prompt) {
      ++ledger.recited;
    } else if (source.passage.pinned) {
      ledger.pinned += static_cast<int32_t>(source.passage.token_count);
    } else {
      ledger.retrieved += static_cast<int32_t>(source.passage.token_count);
    }
  }
  return OkStatus();
}

// The ledger's record of what retrieval left out, with document names.
static void AddRetrievalDrops(Database& reader, const RetrievalResult& retrieved,
                              TokenLedger& ledger) {
  std::map<int64_t, std::string> names;
  for (const DroppedChunk& drop : retrieved.dropped) {
    auto [it, inserted] = names.try_emplace(drop.document_id);
    if (inserted) {
      StatusOr<DocumentRow> document = DocumentTable(reader).Get(drop.document_id);
      if (document.ok()) it->second = DocumentDisplayName(*document);
    }
    ledger.dropped.push_back({.document_id = drop.document_id,
                              .document_name = it->second,
                              .tokens = static_cast<int32_t>(drop.token_count),
                              .reason = std::string(DropReasonName(drop.reason))});
  }
}

static MessageSource SourceRow(const AnswerSource& source, bool answered) {
  const Passage& passage = source.passage;
  return MessageSource{.number = source.number,
                       .chunk_id = passage.chunk_ids.empty() ? 0 : passage.chunk_ids.front(),
                       .chunk_ids = passage.chunk_ids,
                       .document_id = passage.document_id,
                       .document_name = passage.document_name,
                       .page_first = passage.page_first,
                       .page_last = passage.page_last,
                       .heading_path = passage.heading_path,
                       .snippet = std::string(Utf8Prefix(passage.text, kSnippetBytes)),
                       .score = passage.relevance.value_or(passage.score),
                       .retrievers = RetrieverNames(passage),
                       .in_prompt = source.in_prompt && answered};
}

Status AnswerService::Store(Turn& turn, const Status& outcome) {
  AnswerResult& result = turn.result;
  const bool answered = outcome.ok() && !result.answer.empty();
  MessageRow question{.role = MessageRole::kUser,
                      .content = turn.request.question,
                      .prompt_content = turn.user_content};
  MessageRow answer{.role = MessageRole::kAssistant,
                    .content = result.answer,
                    .model = result.model,
                    .prompt_tokens = result.prompt_tokens,
                    .cached_prompt_tokens = result.cached_prompt_tokens,
                    .generated_tokens = result.generated_tokens,
                    .ledger_json = LedgerJson(result.ledger),
                    .trace_json = TraceJson(result.trace),
                    .error = outcome.ok() ? "" : outcome.ToString()};
  for (const AnswerSource& source : result.sources) {
    answer.sources.push_back(SourceRow(source, answered));
  }
  const bool rebuild = turn.rebuild && !turn.new_thread;
  const std::string title(Utf8Prefix(turn.request.question, kTitleBytes));
  const int64_t workspace = turn.request.workspace.id;
  return deps_.writer
      ->Submit([&](Database& db) -> Status {
        ThreadTable threads(db);
        if (turn.new_thread) {
          ASSIGN_OR_RETURN(turn.thread.id, threads.Create(workspace, title, turn.request.user_id));
          turn.thread.context_epoch = 0;
        } else if (rebuild) {
          ASSIGN_OR_RETURN(turn.thread.context_epoch, threads.BumpEpoch(turn.thread.id));
        }
        question.thread_id = answer.thread_id = turn.thread.id;
        question.context_epoch = answer.context_epoch = turn.thread.context_epoch;
        MessageTable messages(db);
        ASSIGN_OR_RETURN(result.question_message_id, messages.Append(question));
        ASSIGN_OR_RETURN(result.message_id, messages.Append(answer));
        return OkStatus();
      })
      .get();
}

struct PreparedAnswer::State {
  internal::AnswerTurn turn;
  std::optional<ModelLease> lease;
  std::optional<ThreadClaim> claim;
};

PreparedAnswer::PreparedAnswer(std::unique_ptr<State> state) : state_(std::move(state)) {}
PreparedAnswer::~PreparedAnswer() = default;
const AnswerResult& PreparedAnswer::preliminary() const { return state_->turn.result; }

// The trace's retrieval stages, the sources, and the ledger.
Status AnswerService::FinishPreliminary(Turn& turn, Database& reader) {
  AnswerResult& result = turn.result;
  const RetrievalTimings& timings = turn.retrieved.timings;
  result.trace.query_embed_ms = timings.query_embed_ms;
  result.trace.query_embed_cached = timings.query_embed_cached;
  result.trace.vector_search_ms = timings.vector_search_ms;
  result.trace.lexical_search_ms = timings.lexical_search_ms;
  result.trace.rerank_ms = timings.rerank_ms;
  result.sources = turn.sources;
  result.ledger.rebuilt = turn.rebuild && !turn.new_thread;
  if (result.ledger.rebuilt) {
    result.ledger.rebuild_reason = turn.rebuild_reason;
    result.ledger.history_turns_dropped =
        static_cast<int32_t>(turn.prior_questions.size()) - turn.carried_turns;
  }
  std::span<const PriorTurn> replayed = turn.rebuild ? std::span<const PriorTurn>() : turn.prior;
  RETURN_IF_ERROR(CountLedger(turn.counter, turn.request.workspace.settings, replayed,
                              turn.carried, turn.request.question, result.sources, result.ledger));
  AddRetrievalDrops(reader, turn.retrieved, result.ledger);
  return OkStatus();
}

StatusOr<std::unique_ptr<PreparedAnswer>> AnswerService::Prepare(const AnswerRequest& request,
                                                                 std::stop_token stop) {
  RETURN_IF_ERROR(CheckQuestion(request.question));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, deps_.open_reader());
  auto state = std::make_unique<PreparedAnswer::State>();
  ASSIGN_OR_RETURN(state->turn, PrepareTurn(request, *reader));
  Turn& turn = state->turn;
  if (!turn.new_thread) {
    std::lock_guard lock(mu_);
    if (!busy_threads_.insert(turn.thread.id).second) {
      return AbortedError("thread " + std::to_string(turn.thread.id) +
                          " is answering another message; ask again when it is done");
    }
  }
  if (!turn.new_thread) state->claim.emplace(mu_, busy_threads_, turn.thread.id);
  AnswerResult& result = turn.result;
  result.mode = turn.mode;
  result.thread_id = turn.thread.id;
  result.ledger.budget = static_cast<int32_t>(request.workspace.settings.context_budget_tokens);

  const SteadyTime retrieval_start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(Retrieve(turn, turn.rebuild, stop));
  result.trace.retrieval_ms = MillisBetween(retrieval_start, std::chrono::steady_clock::now());
  result.retrieval_note = turn.retrieved.note;
  if (turn.sources.empty() && turn.mode == ChatMode::kQuery) {
    result.refused = true;
    result.answer = request.workspace.settings.refusal_text;
    turn.user_content = request.question;
  } else if (!turn.chat_model) {
    return FailedPreconditionError("workspace '" + request.workspace.slug +
                                   "' has no chat model; choose one in its settings "
                                   "(\"chat_model\")");
  } else {
    const SteadyTime asked = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(request.workspace.settings.chat_model));
    ASSIGN_OR_RETURN(ModelLease lease,
                     deps_.scheduler->Acquire({.model = name, .purpose = "chat"}));
    state->lease.emplace(std::move(lease));
    result.model = name.DisplayName();
    result.trace.model_load_ms = Millis(state->lease->load_duration());
    result.trace.queue_ms = std::max(
        0.0, MillisBetween(asked, std::chrono::steady_clock::now()) - result.trace.model_load_ms);
    RETURN_IF_ERROR(BuildPrompt(turn, *state->lease, stop));
  }
  RETURN_IF_ERROR(FinishPreliminary(turn, *reader));
  return std::unique_ptr<PreparedAnswer>(new PreparedAnswer(std::move(state)));
}

StatusOr<AnswerResult> AnswerService::Complete(PreparedAnswer& prepared,
                                               const PieceCallback& on_piece,
                                               std::stop_token stop) {
  PreparedAnswer::State& state = *prepared.state_;
  Turn& turn = state.turn;
  AnswerResult& result = turn.result;
  Status outcome = OkStatus();
  if (result.refused) {
    if (on_piece) (void)on_piece({.text = result.answer, .token_count = 0});
  } else {
    const PieceCallback ignore = [](const GeneratePiece&) { return true; };
    outcome = Generate(turn, *state.lease, on_piece ? on_piece : ignore, stop);
    state.lease.reset();  // the slot keeps its cache; the model may serve others now
  }
  for (int32_t number : CitedNumbers(result.answer)) {
    for (AnswerSource& source : result.sources) {
      if (source.number == number) source.cited = true;
    }
  }
  result.trace.total_ms = MillisBetween(turn.started, std::chrono::steady_clock::now());
  RETURN_IF_ERROR(Store(turn, outcome));
  result.thread_id = turn.thread.id;
  if (!outcome.ok()) return outcome;
  return result;
}

StatusOr<AnswerResult> AnswerService::Answer(const AnswerRequest& request,
                                             const PieceCallback& on_piece,
                                             std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<PreparedAnswer> prepared, Prepare(request, stop));
  return Complete(*prepared, on_piece, stop);
}

}  // namespace hearth
