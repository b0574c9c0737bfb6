// KnowledgeBase: the parts of `hearth serve` that hold documents, started and
// stopped together: the SQLite writer, the store of uploaded originals
// ($HEARTH_HOME/documents/blobs), the vector indexes ($HEARTH_HOME/index),
// the workspace service and the ingestion workers.
//
// Thread-safety: the services it hands out are thread-safe. Destruction
// stops ingestion first (a running job resumes at the next start), saves
// the indexes, then drains the writer.
#ifndef HEARTH_APP_KNOWLEDGE_BASE_H_
#define HEARTH_APP_KNOWLEDGE_BASE_H_

#include <filesystem>
#include <memory>

#include "app/ingestion_service.h"
#include "app/workspace_service.h"
#include "base/status.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "rag/workspace_indexes.h"
#include "store/blob_store.h"
#include "store/write_queue.h"

namespace hearth {

class KnowledgeBase {
 public:
  // Opens everything under `home` and resumes unfinished ingestion.
  // `models` and `scheduler` must outlive the KnowledgeBase.
  static StatusOr<std::unique_ptr<KnowledgeBase>> Open(const std::filesystem::path& home,
                                                       ModelStore& models, Scheduler& scheduler,
                                                       const IngestionOptions& options);
  ~KnowledgeBase();

  WorkspaceService& workspaces() { return *workspaces_; }
  IngestionService& ingestion() { return *ingestion_; }
  WorkspaceIndexes& indexes() { return *indexes_; }

 private:
  KnowledgeBase() = default;

  // Declaration order is construction order; destruction runs backwards.
  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<BlobStore> documents_;
  std::unique_ptr<WorkspaceIndexes> indexes_;
  std::unique_ptr<WorkspaceService> workspaces_;
  std::unique_ptr<IngestionService> ingestion_;
};

}  // namespace hearth

#endif  // HEARTH_APP_KNOWLEDGE_BASE_H_
