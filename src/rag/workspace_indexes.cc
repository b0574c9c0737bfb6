#include "rag/workspace_indexes.h"

#include <system_error>

#include "base/logging.h"
#include "base/status_macros.h"
#include "store/chunk_table.h"
#include "store/embedding_cache.h"
#include "store/index_change_log.h"

namespace hearth {

struct WorkspaceIndexes::Entry {
  std::unique_ptr<VectorIndex> index;
  int64_t applied_sequence = 0;
  bool dirty = false;
  IndexOrigin origin = IndexOrigin::kCreated;
};

namespace {

// Chunks read per query while rebuilding or catching up.
constexpr size_t kReadBatch = 1024;

// The stored vectors of `chunk_ids` under the embedder, in order; chunks
// without one (embedded by another embedder) are left out of both outputs.
Status VectorsOf(Database& db, const std::string& embedder_id, std::span<const int64_t> chunk_ids,
                 std::vector<uint64_t>* keys, std::vector<float>* vectors, size_t dimensions) {
  ASSIGN_OR_RETURN(std::vector<ChunkRow> chunks, ChunkTable(db).GetByIds(chunk_ids));
  std::vector<std::string> hashes;
  for (const ChunkRow& chunk : chunks) hashes.push_back(chunk.content_hash);
  ASSIGN_OR_RETURN(auto cached, EmbeddingCache(db).Lookup(embedder_id, hashes));
  for (const ChunkRow& chunk : chunks) {
    auto it = cached.find(chunk.content_hash);
    if (it == cached.end() || it->second.size() != dimensions) continue;
    keys->push_back(static_cast<uint64_t>(chunk.id));
    vectors->insert(vectors->end(), it->second.begin(), it->second.end());
  }
  return OkStatus();
}

}  // namespace

StatusOr<Database*> WorkspaceIndexes::Reader() {
  if (reader_ == nullptr) {
    ASSIGN_OR_RETURN(reader_, open_reader_());
  }
  return reader_.get();
}

IndexKey IndexKeyOf(const WorkspaceRow& workspace, std::string embedder_id) {
  return {.workspace_id = workspace.id,
          .embedder_id = std::move(embedder_id),
          .scalar = workspace.settings.vector_type == VectorType::kI8 ? VectorScalar::kI8
                                                                      : VectorScalar::kF16};
}

WorkspaceIndexes::WorkspaceIndexes(WorkspaceIndexesOptions options, ReaderFactory open_reader)
    : options_(std::move(options)),
      open_reader_(std::move(open_reader)),
      lexical_({.dir = options_.dir}, open_reader_) {}

WorkspaceIndexes::~WorkspaceIndexes() = default;

std::filesystem::path WorkspaceIndexes::PathOf(const IndexKey& key) const {
  return options_.dir / ("ws-" + std::to_string(key.workspace_id) + "-" + key.embedder_id + "-" +
                         std::string(VectorScalarName(key.scalar)) + ".usearch");
}

StatusOr<std::unique_ptr<WorkspaceIndexes::Entry>> WorkspaceIndexes::Rebuild(const IndexKey& key,
                                                                              Database& db,
                                                                              size_t dimensions) {
  auto entry = std::make_unique<Entry>();
  // The sequence first: changes after it are applied again later, and
  // applying an add or a remove twice is harmless.
  ASSIGN_OR_RETURN(entry->applied_sequence,
                   IndexChangeLog(db).LatestSequence(key.workspace_id, key.embedder_id));
  ASSIGN_OR_RETURN(entry->index,
                   VectorIndex::Create({.dimensions = dimensions, .scalar = key.scalar}));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   ChunkTable(db).ListIdsByWorkspace(key.workspace_id));
  for (size_t begin = 0; begin < ids.size(); begin += kReadBatch) {
    const size_t count = std::min(kReadBatch, ids.size() - begin);
    std::vector<uint64_t> keys;
    std::vector<float> vectors;
    RETURN_IF_ERROR(VectorsOf(db, key.embedder_id, std::span(ids).subspan(begin, count), &keys,
                              &vectors, dimensions));
    RETURN_IF_ERROR(entry->index->AddBatch(keys, vectors));
  }
  entry->dirty = true;
  entry->origin = IndexOrigin::kRebuilt;
  return entry;
}

StatusOr<WorkspaceIndexes::Entry*> WorkspaceIndexes::Open(const IndexKey& key, Database& db,
                                                          size_t dimensions) {
  auto it = open_.find(key);
  if (it != open_.end()) return it->second.get();
  if (dimensions == 0) {
    ASSIGN_OR_RETURN(std::optional<size_t> stored,
                     EmbeddingCache(db).Dimensions(key.embedder_id));
    if (!stored) return nullptr;
    dimensions = *stored;
  }
  const std::filesystem::path path = PathOf(key);
  StatusOr<std::unique_ptr<VectorIndex>> loaded = VectorIndex::Open(
      path, {.embedder_id = key.embedder_id, .dimensions = dimensions, .scalar = key.scalar});
  ASSIGN_OR_RETURN(const int64_t latest,
                   IndexChangeLog(db).LatestSequence(key.workspace_id, key.embedder_id));
  std::unique_ptr<Entry> entry;
  if (loaded.ok() && (*loaded)->header().applied_sequence <= latest) {
    entry = std::make_unique<Entry>();
    entry->applied_sequence = (*loaded)->header().applied_sequence;
    entry->index = std::move(*loaded);
    entry->origin = IndexOrigin::kLoaded;
    const int64_t before = entry->applied_sequence;
    RETURN_IF_ERROR(ApplyChanges(key, *entry, db));
    if (entry->applied_sequence != before) entry->origin = IndexOrigin::kCaughtUp;
  } else {
    if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) {
      HEARTH_LOG(WARNING) << "rebuilding the vector index " << path.string() << ": "
                          << loaded.status().message();
    } else if (loaded.ok()) {
      HEARTH_LOG(WARNING) << "rebuilding the vector index " << path.string()
                          << ": it is ahead of the database (restored from a backup?)";
    }
    ASSIGN_OR_RETURN(entry, Rebuild(key, db, dimensions));
    if (latest == 0 && !loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
      entry->origin = IndexOrigin::kCreated;
    }
  }
  Entry* raw = entry.get();
  open_[key] = std::move(entry);
  return raw;
}

Status WorkspaceIndexes::ApplyChanges(const IndexKey& key, Entry& entry, Database& db) {
  while (true) {
    ASSIGN_OR_RETURN(std::vector<IndexChange> changes,
                     IndexChangeLog(db).ChangesSince(key.workspace_id, key.embedder_id,
                                                     entry.applied_sequence, kReadBatch));
    if (changes.empty()) return OkStatus();
    std::vector<int64_t> added;
    for (const IndexChange& change : changes) {
      if (change.op == IndexOp::kAdd) added.push_back(change.chunk_id);
    }
    std::vector<uint64_t> keys;
    std::vector<float> vectors;
    RETURN_IF_ERROR(
        VectorsOf(db, key.embedder_id, added, &keys, &vectors, entry.index->dimensions()));
    // Adds of chunks that are gone by now are not found above; their
    // removes follow in the log, so only removes need applying in order.
    RETURN_IF_ERROR(entry.index->AddBatch(keys, vectors));
    for (const IndexChange& change : changes) {
      if (change.op == IndexOp::kRemove) {
        RETURN_IF_ERROR(entry.index->Remove(static_cast<uint64_t>(change.chunk_id)));
      }
    }
    entry.applied_sequence = changes.back().seq;
    entry.dirty = true;
  }
}

Status WorkspaceIndexes::Add(const IndexKey& key, std::span<const int64_t> chunk_ids,
                             std::span<const std::vector<float>> vectors, int64_t sequence) {
  if (chunk_ids.size() != vectors.size() || chunk_ids.empty()) {
    return InvalidArgumentError("index add: " + std::to_string(chunk_ids.size()) + " ids for " +
                                std::to_string(vectors.size()) + " vectors");
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Entry * entry, Open(key, *db, vectors.front().size()));
  // The vectors at hand are the next changes of this stream only when the
  // log has nothing of it between the index and them (other streams, such
  // as the lexical one, interleave their sequence numbers).
  const int64_t first = sequence - static_cast<int64_t>(chunk_ids.size()) + 1;
  ASSIGN_OR_RETURN(std::vector<IndexChange> next,
                   IndexChangeLog(*db).ChangesSince(key.workspace_id, key.embedder_id,
                                                    entry->applied_sequence, 1));
  if (next.empty() || next.front().seq != first) {
    return ApplyChanges(key, *entry, *db);
  }
  std::vector<uint64_t> keys(chunk_ids.begin(), chunk_ids.end());
  std::vector<float> flat;
  for (const std::vector<float>& vector : vectors) flat.insert(flat.end(), vector.begin(), vector.end());
  RETURN_IF_ERROR(entry->index->AddBatch(keys, flat));
  entry->applied_sequence = sequence;
  entry->dirty = true;
  return OkStatus();
}

Status WorkspaceIndexes::CatchUp(const IndexKey& key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Entry * entry, Open(key, *db, 0));
  return entry == nullptr ? OkStatus() : ApplyChanges(key, *entry, *db);
}

StatusOr<std::vector<IndexHit>> WorkspaceIndexes::Search(const IndexKey& key,
                                                         std::span<const float> query, size_t k) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Entry * entry, Open(key, *db, query.size()));
  RETURN_IF_ERROR(ApplyChanges(key, *entry, *db));
  ASSIGN_OR_RETURN(std::vector<VectorMatch> matches, entry->index->Search(query, k));
  std::vector<IndexHit> hits;
  for (const VectorMatch& match : matches) {
    hits.push_back({.chunk_id = static_cast<int64_t>(match.key), .similarity = match.similarity});
  }
  return hits;
}

Status WorkspaceIndexes::SaveAll() {
  RETURN_IF_ERROR(SaveVectorIndexes());
  return lexical_.SaveAll();
}

Status WorkspaceIndexes::SaveVectorIndexes() {
  std::lock_guard lock(mu_);
  std::error_code error;
  std::filesystem::create_directories(options_.dir, error);
  if (error) return UnavailableError("creating " + options_.dir.string() + ": " + error.message());
  for (auto& [key, entry] : open_) {
    if (!entry->dirty) continue;
    RETURN_IF_ERROR(entry->index->Save(PathOf(key), {.embedder_id = key.embedder_id,
                                                     .applied_sequence = entry->applied_sequence}));
    entry->dirty = false;
  }
  return OkStatus();
}

Status WorkspaceIndexes::DropWorkspace(int64_t workspace_id) {
  RETURN_IF_ERROR(lexical_.DropWorkspace(workspace_id));
  std::lock_guard lock(mu_);
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->first.workspace_id != workspace_id) {
      ++it;
      continue;
    }
    it = open_.erase(it);
  }
  // Files of indexes never opened in this run too.
  const std::string prefix = "ws-" + std::to_string(workspace_id) + "-";
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(options_.dir, error)) {
    if (file.path().filename().string().starts_with(prefix)) {
      std::filesystem::remove(file.path(), error);
    }
  }
  return OkStatus();
}

Status WorkspaceIndexes::Drop(const IndexKey& key) {
  std::lock_guard lock(mu_);
  open_.erase(key);
  const std::filesystem::path path = PathOf(key);
  std::error_code error;
  std::filesystem::remove(path, error);
  if (error) return UnavailableError("deleting " + path.string() + ": " + error.message());
  return OkStatus();
}

StatusOr<std::vector<int64_t>> WorkspaceIndexes::Keys(const IndexKey& key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Entry * entry, Open(key, *db, 0));
  if (entry == nullptr) return std::vector<int64_t>{};
  RETURN_IF_ERROR(ApplyChanges(key, *entry, *db));
  std::vector<int64_t> keys;
  for (uint64_t stored : entry->index->Keys()) keys.push_back(static_cast<int64_t>(stored));
  return keys;
}

std::optional<IndexOrigin> WorkspaceIndexes::OriginOf(const IndexKey& key) {
  std::lock_guard lock(mu_);
  auto it = open_.find(key);
  if (it == open_.end()) return std::nullopt;
  return it->second->origin;
}

}  // namespace hearth
