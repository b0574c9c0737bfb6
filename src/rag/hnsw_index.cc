#include "rag/hnsw_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "base/status_macros.h"
#include "rag/f16_cosine.h"
#include "rag/vector_index_file.h"
#include "store/digest.h"

namespace hearth::internal {
namespace {

namespace us = unum::usearch;
using Graph = HnswIndex::Graph;

// The key usearch's graph nodes of removed slots hold.
const uint64_t kFreeKey = us::default_free_value<uint64_t>();
constexpr size_t kInitialCapacity = 1024;
// Batches at least this large (an index rebuilt from the store, a
// re-embedding) are added by one thread per core, each with its own graph
// context. Smaller ones (ingestion's batches of 64) stay on the caller's
// thread and leave the other cores to the embedder.
constexpr size_t kParallelAddMinimum = 4096;
// Save gathers the graph's many small pieces into writes of this size.
constexpr size_t kSaveBufferBytes = size_t{1} << 20;
// Bounds on what an index file's graph header may say (hearth writes
// connectivity 16..64 and a handful of levels).
constexpr uint64_t kMaxConnectivity = 1024;
constexpr uint64_t kMaxLevel = 64;

size_t AddThreads(size_t batch) {
  if (batch < kParallelAddMinimum) return 1;
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kSearchContexts);
}

// Whether `keys` holds no key twice.
bool Distinct(std::span<const uint64_t> keys) {
  std::vector<uint64_t> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

size_t BytesPerVector(size_t dimensions, VectorScalar scalar) {
  return scalar == VectorScalar::kI8 ? dimensions : dimensions * sizeof(uint16_t);
}

// A vector measured against the stored ones that is not one of them: a
// query, or the vector being added.
struct Probe {
  const uint8_t* bytes;
};

// Cosine distance between probes and stored vectors, which it finds by slot
// in the SlotVectors; our kernels (rag/f16_cosine.h) do the arithmetic.
class SlotMetric {
 public:
  SlotMetric(const SlotVectors& vectors, VectorScalar scalar, size_t dimensions)
      : vectors_(&vectors),
        distance_(scalar == VectorScalar::kI8 ? &CosineDistanceI8 : &CosineDistanceF16),
        dimensions_(dimensions) {}

  template <typename A, typename B>
  float operator()(const A& a, const B& b) const {
    return distance_(Address(a), Address(b), dimensions_);
  }

 private:
  static uintptr_t Address(const Probe& probe) { return reinterpret_cast<uintptr_t>(probe.bytes); }
  template <typename Member>
  uintptr_t Address(const Member& member) const {
    return reinterpret_cast<uintptr_t>(vectors_->at(get_slot(member)));
  }

  const SlotVectors* vectors_;
  float (*distance_)(uintptr_t, uintptr_t, uintptr_t);
  size_t dimensions_;
};

// i8 vectors are scaled by their largest component, not by their norm:
// cosine ignores the scale, and a 384-d unit vector's components (~0.05)
// would otherwise use only ~13 of 255 levels.
void QuantizeI8(const float* vector, size_t dimensions, uint8_t* out) {
  float max_abs = 0;
  for (size_t i = 0; i < dimensions; ++i) max_abs = std::max(max_abs, std::fabs(vector[i]));
  const float scale = max_abs == 0 ? 0 : 127.0f / max_abs;
  for (size_t i = 0; i < dimensions; ++i) {
    const auto level = static_cast<int8_t>(std::lround(vector[i] * scale));
    std::memcpy(out + i, &level, 1);
  }
}

// Whether `vector` has `dimensions` finite values; `what` names it in the
// InvalidArgument error.
Status CheckVector(std::span<const float> vector, size_t dimensions, std::string_view what) {
  if (vector.size() != dimensions) {
    return InvalidArgumentError(std::string(what) + " has " + std::to_string(vector.size()) +
                                " dimensions; the index holds " + std::to_string(dimensions) +
                                "-dimensional vectors");
  }
  for (float value : vector) {
    if (!std::isfinite(value)) {
      return InvalidArgumentError(std::string(what) + " has a value that is not a finite number");
    }
  }
  return OkStatus();
}

// Appends the payload to the file through a buffer, hashing it on the way.
class PayloadWriter {
 public:
  PayloadWriter(AtomicFileWriter& writer, Sha256& hasher) : writer_(writer), hasher_(hasher) {
    buffer_.reserve(kSaveBufferBytes);
  }

  bool Append(const void* data, size_t length) {
    const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(data), length);
    hasher_.Update(bytes);
    written_ += length;
    if (buffer_.size() + length > kSaveBufferBytes && !Flush().ok()) return false;
    if (length >= kSaveBufferBytes) {
      status_ = writer_.Append(bytes);
    } else {
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    }
    return status_.ok();
  }

  Status Flush() {
    if (status_.ok() && !buffer_.empty()) status_ = writer_.Append(buffer_);
    buffer_.clear();
    return status_;
  }

  uint64_t written() const { return written_; }

 private:
  AtomicFileWriter& writer_;
  Sha256& hasher_;
  std::vector<uint8_t> buffer_;
  uint64_t written_ = 0;
  Status status_;
};

// Whether none of `count` IEEE halves at `bytes` is infinite or NaN (all
// exponent bits set); Save never writes one (inputs are finite and clamped).
bool AllFiniteHalves(const uint8_t* bytes, size_t count) {
  constexpr uint16_t kExponent = 0x7C00;
  uint16_t any_all_ones = 0;
  for (size_t i = 0; i < count; ++i) {
    uint16_t half;
    std::memcpy(&half, bytes + i * sizeof(half), sizeof(half));
    any_all_ones |= static_cast<uint16_t>((half & kExponent) == kExponent);
  }
  return any_all_ones == 0;
}

// The graph's own header at the start of the payload, checked before usearch
// reads the rest (it trusts what it reads).
Status CheckGraphHeader(std::span<const uint8_t> payload, const std::filesystem::path& path) {
  us::index_serialized_header_t header;
  if (payload.size() < sizeof(header)) return CorruptIndexError(path, "the payload has no graph header");
  std::memcpy(&header, payload.data(), sizeof(header));
  // Every node takes its 2-byte level and more: a count the payload cannot
  // hold is refused before usearch allocates for it.
  if (header.size > std::numeric_limits<uint32_t>::max() ||
      header.size > (payload.size() - sizeof(header)) / 2) {
    return CorruptIndexError(path, "the graph claims " + std::to_string(header.size) + " vectors in " +
                             std::to_string(payload.size()) + " bytes");
  }
  if (header.size == 0) return OkStatus();
  if (header.connectivity < 2 || header.connectivity > kMaxConnectivity ||
      header.connectivity_base < header.connectivity ||
      header.connectivity_base > 2 * kMaxConnectivity) {
    return CorruptIndexError(path, "the graph's connectivity is out of range");
  }
  if (header.max_level > kMaxLevel || header.entry_slot >= header.size) {
    return CorruptIndexError(path, "the graph's entry point is out of range");
  }
  // Each node's level sets its size in the file and in memory.
  const std::span<const uint8_t> levels = payload.subspan(sizeof(header), header.size * 2);
  for (size_t i = 0; i < header.size; ++i) {
    int16_t level;
    std::memcpy(&level, levels.data() + i * 2, sizeof(level));
    if (level < 0 || static_cast<uint64_t>(level) > header.max_level) {
      return CorruptIndexError(path, "node " + std::to_string(i) + "'s level is out of range");
    }
    // Searches start at the entry point on the top level.
    if (i == header.entry_slot && static_cast<uint64_t>(level) != header.max_level) {
      return CorruptIndexError(path, "the graph's entry point is not on its top level");
    }
  }
  return OkStatus();
}

}  // namespace

std::string TakeUsearchError(us::error_t& error) {
  const char* message = error.release();
  return message != nullptr ? message : "unknown usearch error";
}

HnswIndex::ContextPool::ContextPool() {
  for (size_t context = kSearchContexts; context > 0; --context) free_.push_back(context - 1);
}

size_t HnswIndex::ContextPool::Acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [this] { return !free_.empty(); });
  const size_t context = free_.back();
  free_.pop_back();
  return context;
}

void HnswIndex::ContextPool::Release(size_t context) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(context);
  }
  available_.notify_one();
}

HnswIndex::HnswIndex(size_t dimensions, VectorScalar scalar, const VectorIndexOptions& options,
                     VectorIndexHeader header)
    : dimensions_(dimensions),
      scalar_(scalar),
      header_(std::move(header)),
      graph_(us::index_config_t(options.connectivity)),
      vectors_(BytesPerVector(dimensions, scalar)),
      expansion_add_(options.expansion_add),
      expansion_search_(options.expansion_search) {}

HnswIndex::~HnswIndex() = default;

StatusOr<std::unique_ptr<HnswIndex>> HnswIndex::Create(const VectorIndexOptions& options) {
  try {
    std::unique_ptr<HnswIndex> index(
        new HnswIndex(options.dimensions, options.scalar, options, VectorIndexHeader{}));
    std::unique_lock lock(index->mu_);
    RETURN_IF_ERROR(index->Reserve(0));
    lock.unlock();
    return index;
  } catch (const std::exception& e) {
    return ResourceExhaustedError(std::string("cannot create a vector index: ") + e.what());
  }
}

StatusOr<std::unique_ptr<HnswIndex>> HnswIndex::Open(us::memory_mapped_file_t file,
                                                     size_t payload_offset, size_t dimensions,
                                                     VectorScalar scalar, VectorIndexHeader header,
                                                     VectorIndexOpenMode mode,
                                                     const std::filesystem::path& path) {
  const std::span<const uint8_t> payload(
      reinterpret_cast<const uint8_t*>(file.data()) + payload_offset, file.size() - payload_offset);
  RETURN_IF_ERROR(CheckGraphHeader(payload, path));
  std::unique_ptr<HnswIndex> index(new HnswIndex(
      dimensions, scalar, VectorIndexOptions{.dimensions = dimensions, .scalar = scalar},
      std::move(header)));
  std::unique_lock lock(index->mu_);
  Graph& graph = index->graph_;
  // The contexts the loaded graph gets (it keeps the limits' thread counts).
  graph.try_reserve(us::index_limits_t(0, kSearchContexts));
  us::serialization_result_t read;
  if (mode == VectorIndexOpenMode::kMemoryMap) {
    const std::string path_text = path.string();
    read = graph.view(us::memory_mapped_file_t(path_text.c_str()), payload_offset);
  } else {
    size_t position = 0;
    read = graph.load_from_stream([&](void* out, size_t length) {
      if (payload.size() - position < length) return false;
      std::memcpy(out, payload.data() + position, length);
      position += length;
      return true;
    });
  }
  if (read.error) return CorruptIndexError(path, TakeUsearchError(read.error));
  const size_t slots = graph.size();
  const size_t graph_bytes = graph.serialized_length();
  const size_t bytes_per_vector = index->vectors_.bytes_per_vector();
  if (payload.size() < graph_bytes || (payload.size() - graph_bytes) / bytes_per_vector != slots ||
      (payload.size() - graph_bytes) % bytes_per_vector != 0) {
    const size_t after_graph = payload.size() - std::min(graph_bytes, payload.size());
    return CorruptIndexError(path, "its graph of " + std::to_string(slots) + " vectors is followed by " +
                             std::to_string(after_graph) + " bytes, not the vectors' " +
                             std::to_string(slots * bytes_per_vector));
  }
  const uint8_t* stored = payload.data() + graph_bytes;
  if (scalar == VectorScalar::kF16 && !AllFiniteHalves(stored, slots * dimensions)) {
    return CorruptIndexError(path, "a stored vector has a value that is not a finite number");
  }
  if (mode == VectorIndexOpenMode::kMemoryMap) {
    index->vectors_.View(stored, slots);
    index->vectors_file_ = std::move(file);
    index->read_only_ = true;
  } else {
    RETURN_IF_ERROR(index->Reserve(slots));
    index->vectors_.CopyIn(stored, slots);
  }
  index->removed_.assign((std::max(slots, graph.capacity()) + 63) / 64, 0);
  RETURN_IF_ERROR(index->IndexLoadedSlots(path));
  lock.unlock();
  return index;
}

Status HnswIndex::IndexLoadedSlots(const std::filesystem::path& path) {
  const size_t slots = graph_.size();
  const size_t top_level = graph_.max_level();
  slots_.clear();
  slots_.reserve(slots);
  free_slots_.clear();
  for (uint32_t slot = 0; slot < slots; ++slot) {
    const auto key = static_cast<uint64_t>(graph_.at(slot).key);
    if (key == kFreeKey) {
      free_slots_.push_back(slot);
      removed_[slot / 64] |= uint64_t{1} << (slot % 64);
    } else if (!slots_.emplace(key, slot).second) {
      return CorruptIndexError(path, "key " + std::to_string(key) + " is stored twice");
    }
    const size_t level = graph_.level_of(slot);
    if (level > top_level) return CorruptIndexError(path, "a node is above the graph's top level");
    for (size_t at_level = 0; at_level <= level; ++at_level) {
      const Graph::neighbors_view_t neighbors = graph_.neighbors(slot, at_level);
      const size_t limit =
          at_level == 0 ? graph_.config().connectivity_base : graph_.config().connectivity;
      if (neighbors.size() > limit) return CorruptIndexError(path, "a node has too many links");
      for (auto it = neighbors.begin(); it != neighbors.end(); ++it) {
        if (it.slot() >= slots) return CorruptIndexError(path, "a link points past the last vector");
        // A search on this level reads the target's links on it.
        if (at_level > 0 && graph_.level_of(it.slot()) < at_level) {
          return CorruptIndexError(path, "a link leads to a node below its level");
        }
      }
    }
  }
  return OkStatus();
}

std::vector<uint8_t> HnswIndex::Encode(const float* vector) const {
  std::vector<uint8_t> stored(vectors_.bytes_per_vector());
  if (scalar_ == VectorScalar::kI8) {
    QuantizeI8(vector, dimensions_, stored.data());
  } else {
    std::vector<uint16_t> halves(dimensions_);
    FloatsToF16(vector, dimensions_, halves.data());
    std::memcpy(stored.data(), halves.data(), stored.size());
  }
  return stored;
}

Status HnswIndex::CheckMutable() const {
  if (!read_only_) return OkStatus();
  return FailedPreconditionError(
      "this vector index is memory-mapped from its file and cannot change; open it with "
      "VectorIndexOpenMode::kLoad");
}

// The graph's node table grows by doubling (8 bytes a slot); vector storage
// only by the segments `slots` needs, so an index loaded full does not
// double its memory on the next add.
Status HnswIndex::Reserve(size_t slots) {
  if (slots > graph_.capacity() || graph_.capacity() == 0) {
    const size_t capacity = std::max({slots, graph_.capacity() * 2, kInitialCapacity});
    if (!graph_.try_reserve(us::index_limits_t(capacity, kSearchContexts))) {
      return ResourceExhaustedError("not enough memory for a vector index of " +
                                    std::to_string(capacity) + " vectors");
    }
    removed_.resize((capacity + 63) / 64, 0);
  }
  if (!vectors_.Reserve(slots)) {
    return ResourceExhaustedError("not enough memory for " + std::to_string(slots) +
                                  " vectors in a vector index");
  }
  return OkStatus();
}

Status HnswIndex::Add(uint64_t key, std::span<const float> vector) {
  RETURN_IF_ERROR(CheckVector(vector, dimensions_, "the vector"));
  const std::array<uint64_t, 1> keys = {key};
  return AddChecked(keys, vector);
}

Status HnswIndex::AddBatch(std::span<const uint64_t> keys, std::span<const float> vectors) {
  if (vectors.size() != keys.size() * dimensions_) {
    return InvalidArgumentError(std::to_string(keys.size()) + " keys need " +
                                std::to_string(keys.size() * dimensions_) + " floats, not " +
                                std::to_string(vectors.size()));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_IF_ERROR(CheckVector(vectors.subspan(i * dimensions_, dimensions_), dimensions_,
                                "vector " + std::to_string(i)));
  }
  return AddChecked(keys, vectors);
}

Status HnswIndex::AddChecked(std::span<const uint64_t> keys, std::span<const float> vectors) {
  std::unique_lock lock(mu_);
  RETURN_IF_ERROR(CheckMutable());
  try {
    RETURN_IF_ERROR(Reserve(graph_.size() + keys.size()));
    slots_.reserve(slots_.size() + keys.size());
    const size_t threads = AddThreads(keys.size());
    if (threads > 1 && free_slots_.empty() && AllNew(keys)) {
      return AddInParallel(keys, vectors, threads);
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      RETURN_IF_ERROR(AddOne(keys[i], vectors.data() + i * dimensions_));
    }
  } catch (const std::exception& e) {
    return ResourceExhaustedError(std::string("adding to the vector index failed: ") + e.what());
  }
  return OkStatus();
}

bool HnswIndex::AllNew(std::span<const uint64_t> keys) const {
  for (uint64_t key : keys) {
    if (slots_.contains(key)) return false;
  }
  return Distinct(keys);
}

Status HnswIndex::AddInParallel(std::span<const uint64_t> keys, std::span<const float> vectors,
                                size_t threads) {
  const size_t first_new_slot = graph_.size();
  std::atomic<size_t> next{0};
  std::vector<Status> statuses(threads);
  auto work = [&](size_t context) {
    try {
      for (size_t i; statuses[context].ok() && (i = next.fetch_add(1)) < keys.size();) {
        statuses[context] =
            AppendToGraph(keys[i], Encode(vectors.data() + i * dimensions_), context);
      }
    } catch (const std::exception& e) {
      statuses[context] =
          ResourceExhaustedError(std::string("adding to the vector index failed: ") + e.what());
    }
  };
  {
    std::vector<std::jthread> workers;
    for (size_t context = 1; context < threads; ++context) workers.emplace_back(work, context);
    work(0);
  }
  // Every slot the threads filled, whether or not another thread failed.
  for (size_t slot = first_new_slot; slot < graph_.size(); ++slot) {
    slots_.emplace(static_cast<uint64_t>(graph_.at(static_cast<uint32_t>(slot)).key),
                   static_cast<uint32_t>(slot));
  }
  for (const Status& status : statuses) RETURN_IF_ERROR(status);
  return OkStatus();
}

Status HnswIndex::AddOne(uint64_t key, const float* vector) {
  const std::vector<uint8_t> stored = Encode(vector);
  free_slots_.reserve(free_slots_.size() + 1);
  if (auto it = slots_.find(key); it != slots_.end()) {
    RemoveSlot(it->second);
    slots_.erase(it);
  }
  if (!free_slots_.empty()) return ReuseSlot(key, stored);
  const size_t slot = graph_.size();
  RETURN_IF_ERROR(AppendToGraph(key, stored, 0));
  slots_.emplace(key, static_cast<uint32_t>(slot));
  return OkStatus();
}

// Under the exclusive lock, one thread per context; the vector is in its
// slot before the node is linked, so no search or insert meets it without.
Status HnswIndex::AppendToGraph(uint64_t key, std::span<const uint8_t> stored, size_t context) {
  us::index_update_config_t config;
  config.expansion = expansion_add_;
  config.thread = context;
  const SlotMetric metric(vectors_, scalar_, dimensions_);
  Graph::add_result_t added =
      graph_.add(key, Probe{stored.data()}, metric, config, [&](const Graph::member_ref_t& member) {
        std::memcpy(vectors_.mutable_at(member.slot), stored.data(), stored.size());
      });
  if (added.error) return InternalError("usearch add failed: " + TakeUsearchError(added.error));
  return OkStatus();
}

// The vector goes into the slot before usearch relinks it (usearch's own
// index_dense copies it afterwards, so the new links were chosen by the
// removed vector's distances).
Status HnswIndex::ReuseSlot(uint64_t key, std::span<const uint8_t> stored) {
  const uint32_t slot = free_slots_.back();
  std::memcpy(vectors_.mutable_at(slot), stored.data(), stored.size());
  us::index_update_config_t config;
  config.expansion = expansion_add_;
  const SlotMetric metric(vectors_, scalar_, dimensions_);
  Graph::add_result_t updated =
      graph_.update(graph_.iterator_at(slot), key, Probe{stored.data()}, metric, config);
  if (updated.error) return InternalError("usearch update failed: " + TakeUsearchError(updated.error));
  free_slots_.pop_back();
  removed_[slot / 64] &= ~(uint64_t{1} << (slot % 64));
  slots_.emplace(key, slot);
  return OkStatus();
}

// Room in free_slots_ is reserved by the caller, so this cannot fail.
void HnswIndex::RemoveSlot(uint32_t slot) {
  graph_.at(slot).key = kFreeKey;
  removed_[slot / 64] |= uint64_t{1} << (slot % 64);
  free_slots_.push_back(slot);
}

Status HnswIndex::Remove(uint64_t key) {
  std::unique_lock lock(mu_);
  RETURN_IF_ERROR(CheckMutable());
  const auto it = slots_.find(key);
  if (it == slots_.end()) return OkStatus();
  try {
    free_slots_.reserve(free_slots_.size() + 1);
  } catch (const std::exception& e) {
    return ResourceExhaustedError(std::string("removing from the vector index failed: ") +
                                  e.what());
  }
  RemoveSlot(it->second);
  slots_.erase(it);
  return OkStatus();
}

StatusOr<std::vector<VectorMatch>> HnswIndex::Search(std::span<const float> query, size_t k,
                                                     const KeyFilter& filter) const {
  RETURN_IF_ERROR(CheckVector(query, dimensions_, "the query"));
  if (k == 0) return std::vector<VectorMatch>{};
  try {
    const std::vector<uint8_t> probe = Encode(query.data());
    std::shared_lock lock(mu_);
    const size_t context = contexts_.Acquire();
    struct Release {
      ContextPool& pool;
      size_t context;
      ~Release() { pool.Release(context); }
    } release{contexts_, context};
    us::index_search_config_t config;
    config.expansion = expansion_search_;
    config.thread = context;
    const SlotMetric metric(vectors_, scalar_, dimensions_);
    // Without removed slots or a filter every node is a result: usearch then
    // skips the predicate, and with it a read of each candidate's node.
    Graph::search_result_t result =
        !filter && free_slots_.empty()
            ? graph_.search(Probe{probe.data()}, k, metric, config)
            : graph_.search(Probe{probe.data()}, k, metric, config,
                            [&](const Graph::member_cref_t& member) {
                              return !IsRemoved(member.slot) &&
                                     (!filter || filter(static_cast<uint64_t>(member.key)));
                            });
    if (result.error) return InternalError("usearch search failed: " + TakeUsearchError(result.error));
    std::vector<VectorMatch> matches;
    matches.reserve(result.size());
    for (size_t i = 0; i < result.size(); ++i) {
      const Graph::match_t match = result[i];
      matches.push_back({.key = static_cast<uint64_t>(match.member.key),
                         .distance = match.distance,
                         .similarity = 1 - match.distance});
    }
    return matches;
  } catch (const std::exception& e) {
    return ResourceExhaustedError(std::string("vector search failed: ") + e.what());
  }
}

Status HnswIndex::SetExpansionSearch(size_t expansion) {
  if (expansion == 0) return InvalidArgumentError("the search expansion must be at least 1");
  std::unique_lock lock(mu_);
  expansion_search_ = expansion;
  return OkStatus();
}

bool HnswIndex::Contains(uint64_t key) const {
  std::shared_lock lock(mu_);
  return slots_.contains(key);
}

std::vector<uint64_t> HnswIndex::Keys() const {
  std::shared_lock lock(mu_);
  std::vector<uint64_t> keys;
  keys.reserve(slots_.size());
  for (const auto& [key, slot] : slots_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

size_t HnswIndex::size() const {
  std::shared_lock lock(mu_);
  return slots_.size();
}

size_t HnswIndex::memory_bytes() const {
  std::shared_lock lock(mu_);
  // An unordered_map entry: a node of key, slot and next pointer, rounded
  // up by malloc, and its bucket.
  constexpr size_t kMapEntryBytes = 32;
  return graph_.memory_usage() + vectors_.memory_bytes() + slots_.size() * kMapEntryBytes +
         slots_.bucket_count() * sizeof(void*) + free_slots_.capacity() * sizeof(uint32_t) +
         removed_.capacity() * sizeof(uint64_t);
}

Status HnswIndex::Save(const std::filesystem::path& path, const VectorIndexHeader& header) const {
  if (header.embedder_id.size() > kMaxEmbedderIdBytes) {
    return InvalidArgumentError("an embedder id of " + std::to_string(header.embedder_id.size()) +
                                " bytes is too long for an index file (the limit is 1024)");
  }
  std::shared_lock lock(mu_);
  const size_t slots = graph_.size();
  IndexFileHeader file_header{
      .dimensions = static_cast<uint32_t>(dimensions_),
      .scalar = scalar_,
      .applied_sequence = header.applied_sequence,
      .payload_bytes = graph_.serialized_length() + slots * vectors_.bytes_per_vector(),
      .embedder_id = header.embedder_id};
  const std::vector<uint8_t> head = EncodeIndexHeader(file_header);
  ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Create(path));
  RETURN_IF_ERROR(writer.Append(head));
  Sha256 hasher;
  HashIndexHeader(head, hasher);
  PayloadWriter payload(writer, hasher);
  us::serialization_result_t saved = graph_.save_to_stream(
      [&](const void* data, size_t length) { return payload.Append(data, length); });
  RETURN_IF_ERROR(payload.Flush());
  if (saved.error) return InternalError("usearch could not serialize: " + TakeUsearchError(saved.error));
  vectors_.ForEachRun(slots, [&](std::span<const uint8_t> run) {
    return payload.Append(run.data(), run.size());
  });
  RETURN_IF_ERROR(payload.Flush());
  if (payload.written() != file_header.payload_bytes) {
    return InternalError("the index wrote " + std::to_string(payload.written()) +
                         " payload bytes, announced " +
                         std::to_string(file_header.payload_bytes));
  }
  const Digest digest = hasher.Finish();
  RETURN_IF_ERROR(writer.WriteAt(kIndexChecksumOffset, digest.sha256));
  return writer.Commit();
}

}  // namespace hearth::internal
