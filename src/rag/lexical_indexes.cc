#include "rag/lexical_indexes.h"

#include <shared_mutex>
#include <system_error>
#include <unordered_map>

#include "base/logging.h"
#include "base/status_macros.h"
#include "store/chunk_table.h"
#include "store/index_change_log.h"

namespace hearth {

// The index is changed only under LexicalIndexes::mu_ and with `readers`
// held exclusively; it is read under mu_, or under `readers` shared (a
// search, outside mu_). The other fields are guarded by mu_.
struct LexicalIndexes::Entry {
  std::shared_mutex readers;
  std::unique_ptr<LexicalIndex> index;
  int64_t applied_sequence = 0;
  bool dirty = false;
  LexicalOrigin origin = LexicalOrigin::kCreated;
};

namespace {

// Chunks read per query while rebuilding or catching up.
constexpr size_t kReadBatch = 1024;

Status AddChunks(Database& db, std::span<const int64_t> ids, LexicalIndex& index) {
  ASSIGN_OR_RETURN(std::vector<ChunkRow> rows, ChunkTable(db).GetByIds(ids));
  for (const ChunkRow& row : rows) RETURN_IF_ERROR(index.Add(row.id, row.embed_prefix, row.text));
  return OkStatus();
}

}  // namespace

LexicalIndexes::LexicalIndexes(LexicalIndexesOptions options, ReaderFactory open_reader)
    : options_(std::move(options)), open_reader_(std::move(open_reader)) {}

LexicalIndexes::~LexicalIndexes() = default;

std::filesystem::path LexicalIndexes::PathOf(int64_t workspace_id) const {
  return options_.dir / ("ws-" + std::to_string(workspace_id) + "-lexical.hlx");
}

StatusOr<Database*> LexicalIndexes::Reader() {
  if (reader_ == nullptr) {
    ASSIGN_OR_RETURN(reader_, open_reader_());
  }
  return reader_.get();
}

StatusOr<std::shared_ptr<LexicalIndexes::Entry>> LexicalIndexes::Rebuild(int64_t workspace_id,
                                                                          Database& db) {
  auto entry = std::make_shared<Entry>();
  entry->index = std::make_unique<LexicalIndex>();
  // The sequence first: changes after it are applied again later, and
  // applying an add or a remove twice is harmless.
  ASSIGN_OR_RETURN(entry->applied_sequence,
                   IndexChangeLog(db).LatestSequence(workspace_id, kLexicalStream));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, ChunkTable(db).ListIdsByWorkspace(workspace_id));
  for (size_t begin = 0; begin < ids.size(); begin += kReadBatch) {
    const size_t count = std::min(kReadBatch, ids.size() - begin);
    RETURN_IF_ERROR(AddChunks(db, std::span(ids).subspan(begin, count), *entry->index));
  }
  entry->dirty = true;
  entry->origin = LexicalOrigin::kRebuilt;
  return entry;
}

Status LexicalIndexes::ApplyChanges(int64_t workspace_id, Entry& entry, Database& db) {
  while (true) {
    ASSIGN_OR_RETURN(std::vector<IndexChange> changes,
                     IndexChangeLog(db).ChangesSince(workspace_id, kLexicalStream,
                                                     entry.applied_sequence, kReadBatch));
    if (changes.empty()) return OkStatus();
    std::vector<int64_t> added;
    for (const IndexChange& change : changes) {
      if (change.op == IndexOp::kAdd) added.push_back(change.chunk_id);
    }
    ASSIGN_OR_RETURN(std::vector<ChunkRow> rows, ChunkTable(db).GetByIds(added));
    std::unordered_map<int64_t, const ChunkRow*> by_id;
    for (const ChunkRow& row : rows) by_id.emplace(row.id, &row);
    // In log order; an add of a chunk deleted since is not found above (its
    // remove follows).
    std::unique_lock writing(entry.readers);
    for (const IndexChange& change : changes) {
      if (change.op == IndexOp::kRemove) {
        entry.index->Remove(change.chunk_id);
        continue;
      }
      auto it = by_id.find(change.chunk_id);
      if (it == by_id.end()) continue;
      RETURN_IF_ERROR(entry.index->Add(it->first, it->second->embed_prefix, it->second->text));
    }
    entry.applied_sequence = changes.back().seq;
    entry.dirty = true;
  }
}

StatusOr<std::shared_ptr<LexicalIndexes::Entry>> LexicalIndexes::Open(int64_t workspace_id,
                                                                       Database& db) {
  const std::filesystem::path path = PathOf(workspace_id);
  int64_t applied = 0;
  StatusOr<std::unique_ptr<LexicalIndex>> loaded = LexicalIndex::Open(path, &applied);
  ASSIGN_OR_RETURN(const int64_t latest,
                   IndexChangeLog(db).LatestSequence(workspace_id, kLexicalStream));
  if (loaded.ok() && applied <= latest) {
    auto entry = std::make_shared<Entry>();
    entry->index = std::move(*loaded);
    entry->applied_sequence = applied;
    entry->origin = LexicalOrigin::kLoaded;
    return entry;
  }
  const bool missing = !loaded.ok() && loaded.status().code() == StatusCode::kNotFound;
  if (loaded.ok()) {
    HEARTH_LOG(WARNING) << "rebuilding the lexical index " << path.string()
                        << ": it is ahead of the database (restored from a backup?)";
  } else if (!missing) {
    HEARTH_LOG(WARNING) << "rebuilding the lexical index " << path.string() << ": "
                        << loaded.status().message();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Rebuild(workspace_id, db));
  if (missing && latest == 0) entry->origin = LexicalOrigin::kCreated;
  return entry;
}

StatusOr<std::shared_ptr<LexicalIndexes::Entry>> LexicalIndexes::Current(int64_t workspace_id) {
  ASSIGN_OR_RETURN(Database * db, Reader());
  std::shared_ptr<Entry>& slot = open_[workspace_id];
  if (slot == nullptr) {
    StatusOr<std::shared_ptr<Entry>> opened = Open(workspace_id, *db);
    if (!opened.ok()) {
      open_.erase(workspace_id);
      return opened.status();
    }
    slot = std::move(*opened);
  }
  const int64_t before = slot->applied_sequence;
  Status applied = ApplyChanges(workspace_id, *slot, *db);
  if (applied.code() == StatusCode::kFailedPrecondition) {
    // Chunks out of id order (cannot happen with SQLite's ids, but the
    // index must not stay wrong if it does): start over.
    HEARTH_LOG(WARNING) << "rebuilding the lexical index of workspace " << workspace_id << ": "
                        << applied.message();
    ASSIGN_OR_RETURN(slot, Rebuild(workspace_id, *db));
    applied = ApplyChanges(workspace_id, *slot, *db);
  }
  RETURN_IF_ERROR(applied);
  if (slot->origin == LexicalOrigin::kLoaded && slot->applied_sequence != before) {
    slot->origin = LexicalOrigin::kCaughtUp;
  }
  return slot;
}

Status LexicalIndexes::CatchUp(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  return Current(workspace_id).status();
}

StatusOr<std::vector<LexicalHit>> LexicalIndexes::Search(int64_t workspace_id,
                                                         std::string_view query, size_t k,
                                                         const LexicalSearchOptions& options) {
  std::shared_ptr<Entry> entry;
  std::shared_lock<std::shared_mutex> reading;
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(entry, Current(workspace_id));
    // Never waits: changes take `readers` only under mu_.
    reading = std::shared_lock(entry->readers);
  }
  return entry->index->Search(query, k, options);
}

Status LexicalIndexes::SaveAll() {
  std::lock_guard lock(mu_);
  std::error_code error;
  std::filesystem::create_directories(options_.dir, error);
  if (error) return UnavailableError("creating " + options_.dir.string() + ": " + error.message());
  for (auto& [workspace_id, entry] : open_) {
    if (!entry->dirty) continue;
    RETURN_IF_ERROR(entry->index->Save(PathOf(workspace_id), entry->applied_sequence));
    entry->dirty = false;
  }
  return OkStatus();
}

Status LexicalIndexes::DropWorkspace(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  open_.erase(workspace_id);
  const std::filesystem::path path = PathOf(workspace_id);
  std::error_code error;
  std::filesystem::remove(path, error);
  if (error) return UnavailableError("deleting " + path.string() + ": " + error.message());
  return OkStatus();
}

StatusOr<std::vector<int64_t>> LexicalIndexes::Keys(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Current(workspace_id));
  return entry->index->Keys();
}

size_t LexicalIndexes::MemoryBytes(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  auto it = open_.find(workspace_id);
  return it == open_.end() ? 0 : it->second->index->memory_bytes();
}

std::optional<LexicalOrigin> LexicalIndexes::OriginOf(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  auto it = open_.find(workspace_id);
  if (it == open_.end()) return std::nullopt;
  return it->second->origin;
}

}  // namespace hearth
