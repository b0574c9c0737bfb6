#include "app/knowledge_base.h"

#include <thread>

#include "base/clock.h"
#include "base/logging.h"
#include "base/status_macros.h"

namespace hearth {

StatusOr<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(const std::filesystem::path& home,
                                                             ModelStore& models,
                                                             Scheduler& scheduler,
                                                             ChatFormatterCache& formatters,
                                                             const IngestionOptions& options,
                                                             const AccountOptions& accounts) {
  const DatabaseOptions database{.path = home / "hearth.db"};
  std::unique_ptr<KnowledgeBase> base(new KnowledgeBase());
  ASSIGN_OR_RETURN(base->writer_, WriteQueue::Open({.database = database}));
  ASSIGN_OR_RETURN(base->documents_, BlobStore::Open({.root = home / "documents"}));
  auto open_reader = [database]() { return Database::Open(database); };
  base->indexes_ = std::make_unique<WorkspaceIndexes>(
      WorkspaceIndexesOptions{.dir = home / "index"}, open_reader);
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, open_reader());
  base->workspaces_ = std::make_unique<WorkspaceService>(std::move(reader), *base->writer_,
                                                          *base->indexes_);
  ASSIGN_OR_RETURN(base->ingestion_,
                   IngestionService::Start(options, {.writer = base->writer_.get(),
                                                     .open_reader = open_reader,
                                                     .documents = base->documents_.get(),
                                                     .models = &models,
                                                     .scheduler = &scheduler,
                                                     .indexes = base->indexes_.get()}));
  base->query_embedder_ = MakeModelQueryEmbedder(models, scheduler);
  base->query_reranker_ = MakeModelQueryReranker(models, scheduler);
  const RetrieverOptions retrieval = RetrieverOptionsFor(
      static_cast<int>(std::thread::hardware_concurrency()), scheduler.threads());
  base->retriever_ = std::make_unique<Retriever>(retrieval, open_reader, *base->indexes_,
                                                 base->query_embedder_.get(),
                                                 base->query_reranker_.get());
  base->chat_tokenizers_ = std::make_unique<TokenCounterCache>();
  ASSIGN_OR_RETURN(std::unique_ptr<Database> thread_reader, open_reader());
  base->threads_ = std::make_unique<ThreadService>(std::move(thread_reader), *base->writer_);
  base->answers_ = std::make_unique<AnswerService>(AnswerServiceDeps{
      .open_reader = open_reader,
      .writer = base->writer_.get(),
      .models = &models,
      .scheduler = &scheduler,
      .formatters = &formatters,
      .tokenizers = base->chat_tokenizers_.get(),
      .retriever = base->retriever_.get()});
  ASSIGN_OR_RETURN(std::unique_ptr<Database> account_reader, open_reader());
  base->accounts_ = std::make_unique<AccountService>(std::move(account_reader), *base->writer_,
                                                     Clock::Real(), accounts);
  base->retention_ =
      std::make_unique<RetentionTimer>(open_reader, *base->writer_, kRetentionInterval);
  return base;
}

KnowledgeBase::~KnowledgeBase() {
  retention_.reset();
  if (ingestion_) ingestion_->Shutdown();
  if (indexes_) {
    Status saved = indexes_->SaveAll();
    if (!saved.ok()) HEARTH_LOG(WARNING) << "saving vector indexes: " << saved.message();
  }
  if (writer_) writer_->Shutdown();
}

}  // namespace hearth
