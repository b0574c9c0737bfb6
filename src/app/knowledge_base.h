// KnowledgeBase: the parts of `hearth serve` that hold documents and chats,
// started and stopped together: the SQLite writer, the store of uploaded
// originals ($HEARTH_HOME/documents/blobs), the vector indexes
// ($HEARTH_HOME/index), the workspace service, the ingestion workers, the
// retriever, the threads and answers, and the retention timer.
//
// Thread-safety: the services it hands out are thread-safe. Destruction
// stops ingestion first (a running job resumes at the next start), saves
// the indexes, then drains the writer.
#ifndef HEARTH_APP_KNOWLEDGE_BASE_H_
#define HEARTH_APP_KNOWLEDGE_BASE_H_

#include <filesystem>
#include <memory>

#include "app/account_service.h"
#include "app/answer_service.h"
#include "app/ingestion_service.h"
#include "app/query_models.h"
#include "app/retention.h"
#include "app/retriever.h"
#include "app/thread_service.h"
#include "app/token_counter_cache.h"
#include "app/workspace_service.h"
#include "models/chat_formatter.h"
#include "base/status.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "rag/workspace_indexes.h"
#include "store/blob_store.h"
#include "store/write_queue.h"

namespace hearth {

class KnowledgeBase {
 public:
  // How often the retention timer deletes chat history past its workspace's
  // retention_days.
  static constexpr std::chrono::seconds kRetentionInterval{3600};

  // Opens everything under `home` and resumes unfinished ingestion.
  // `models`, `scheduler` and `formatters` must outlive the KnowledgeBase.
  static StatusOr<std::unique_ptr<KnowledgeBase>> Open(const std::filesystem::path& home,
                                                       ModelStore& models, Scheduler& scheduler,
                                                       ChatFormatterCache& formatters,
                                                       const IngestionOptions& options,
                                                       const AccountOptions& accounts = {});
  ~KnowledgeBase();

  WorkspaceService& workspaces() { return *workspaces_; }
  IngestionService& ingestion() { return *ingestion_; }
  WorkspaceIndexes& indexes() { return *indexes_; }
  Retriever& retriever() { return *retriever_; }
  ThreadService& threads() { return *threads_; }
  AnswerService& answers() { return *answers_; }
  AccountService& accounts() { return *accounts_; }

 private:
  KnowledgeBase() = default;

  // Declaration order is construction order; destruction runs backwards.
  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<BlobStore> documents_;
  std::unique_ptr<WorkspaceIndexes> indexes_;
  std::unique_ptr<WorkspaceService> workspaces_;
  std::unique_ptr<IngestionService> ingestion_;
  std::unique_ptr<QueryEmbedder> query_embedder_;
  std::unique_ptr<QueryReranker> query_reranker_;
  std::unique_ptr<Retriever> retriever_;
  std::unique_ptr<TokenCounterCache> chat_tokenizers_;
  std::unique_ptr<ThreadService> threads_;
  std::unique_ptr<AnswerService> answers_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<RetentionTimer> retention_;
};

}  // namespace hearth

#endif  // HEARTH_APP_KNOWLEDGE_BASE_H_
