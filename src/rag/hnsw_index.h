// HnswIndex: the VectorIndex implementation. usearch's HNSW graph
// (unum::usearch::index_gt, the graph alone) over hearth's own vector
// storage (rag/slot_vectors.h), with a key-to-slot map beside it.
//
// Why not usearch's index_dense, which bundles the three: it finds a
// neighbour's vector through a table of one pointer per vector and reads
// every improving candidate's key from its graph node to skip removed
// entries, two dependent cache misses per candidate that left searches at
// 0.59x of hnswlib's speed at a million vectors (docs/benchmarks.md, B7).
// Here a vector's address is its slot's segment plus arithmetic, and
// removed slots are a bitset that a search reads only when some exist.
//
// Removal marks the slot free (its graph node keeps linking its
// neighbours, as in usearch and hnswlib) and the next Add reuses it.
//
// Payload of the index file (rag/vector_index.h has the envelope): the
// graph as index_gt::save_to_stream writes it (node keys included; a removed
// slot's key is kFreeKey), then the vector of every slot in slot order.
// Internal to rag/vector_index.cc.
//
// Thread-safety: as VectorIndex (a std::shared_mutex; searches take usearch
// search contexts from a pool of kSearchContexts).
#ifndef HEARTH_RAG_HNSW_INDEX_H_
#define HEARTH_RAG_HNSW_INDEX_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "rag/slot_vectors.h"
#include "rag/vector_index.h"
#include "usearch/index.hpp"
#include "usearch/index_plugins.hpp"

namespace hearth::internal {

// Searches that can run at once; more wait for a context.
inline constexpr size_t kSearchContexts = 16;

// The message of a usearch error, taken (usearch's error_t throws from its
// destructor unless its message is taken).
std::string TakeUsearchError(unum::usearch::error_t& error);

class HnswIndex final : public VectorIndex {
 public:
  using Graph = unum::usearch::index_gt<float, uint64_t, uint32_t,
                                        unum::usearch::aligned_allocator_gt<char, 64>,
                                        unum::usearch::memory_mapping_allocator_gt<64>>;

  // An empty index; `options` are checked by the caller. Errors:
  // ResourceExhausted.
  static StatusOr<std::unique_ptr<HnswIndex>> Create(const VectorIndexOptions& options);

  // An index from a payload Save wrote (its checksum already checked): the
  // graph and vectors are copied (kLoad), or read in place from `file`,
  // which the index keeps (kMemoryMap). Errors: Internal "index file <path>
  // is corrupt: ..." for a payload that does not hold together (sizes,
  // slots out of range, a key twice); ResourceExhausted.
  static StatusOr<std::unique_ptr<HnswIndex>> Open(unum::usearch::memory_mapped_file_t file,
                                                   size_t payload_offset, size_t dimensions,
                                                   VectorScalar scalar, VectorIndexHeader header,
                                                   VectorIndexOpenMode mode,
                                                   const std::filesystem::path& path);

  ~HnswIndex() override;

  Status Add(uint64_t key, std::span<const float> vector) override;
  Status AddBatch(std::span<const uint64_t> keys, std::span<const float> vectors) override;
  Status Remove(uint64_t key) override;
  StatusOr<std::vector<VectorMatch>> Search(std::span<const float> query, size_t k,
                                            const KeyFilter& filter) const override;
  Status SetExpansionSearch(size_t expansion) override;
  bool Contains(uint64_t key) const override;
  std::vector<uint64_t> Keys() const override;
  size_t size() const override;
  size_t memory_bytes() const override;
  size_t dimensions() const override { return dimensions_; }
  VectorScalar scalar() const override { return scalar_; }
  const VectorIndexHeader& header() const override { return header_; }
  Status Save(const std::filesystem::path& path, const VectorIndexHeader& header) const override;

 private:
  // Hands the graph's per-thread search contexts (0..kSearchContexts-1) to
  // concurrent searches.
  class ContextPool {
   public:
    ContextPool();
    size_t Acquire();
    void Release(size_t context);

   private:
    std::mutex mu_;
    std::condition_variable available_;
    std::vector<size_t> free_ GUARDED_BY(mu_);
  };

  HnswIndex(size_t dimensions, VectorScalar scalar, const VectorIndexOptions& options,
            VectorIndexHeader header);

  // The stored form of a float vector (f16 or i8 bytes).
  std::vector<uint8_t> Encode(const float* vector) const;
  Status CheckMutable() const EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status Reserve(size_t slots) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status AddChecked(std::span<const uint64_t> keys, std::span<const float> vectors);
  bool AllNew(std::span<const uint64_t> keys) const EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status AddInParallel(std::span<const uint64_t> keys, std::span<const float> vectors,
                       size_t threads) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status AddOne(uint64_t key, const float* vector) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status AppendToGraph(uint64_t key, std::span<const uint8_t> stored, size_t context)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status ReuseSlot(uint64_t key, std::span<const uint8_t> stored) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveSlot(uint32_t slot) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool IsRemoved(size_t slot) const { return (removed_[slot / 64] >> (slot % 64)) & 1; }
  // After the graph and vectors are read: the key map, free slots and
  // removed bits from the nodes' keys, and the graph's links checked.
  Status IndexLoadedSlots(const std::filesystem::path& path) EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t dimensions_;
  const VectorScalar scalar_;
  const VectorIndexHeader header_;
  mutable std::shared_mutex mu_;
  Graph graph_ GUARDED_BY(mu_);
  SlotVectors vectors_ GUARDED_BY(mu_);
  std::unordered_map<uint64_t, uint32_t> slots_ GUARDED_BY(mu_);  // key -> slot
  std::vector<uint32_t> free_slots_ GUARDED_BY(mu_);              // removed, to reuse
  std::vector<uint64_t> removed_ GUARDED_BY(mu_);                 // bit per slot
  size_t expansion_add_ GUARDED_BY(mu_);
  size_t expansion_search_ GUARDED_BY(mu_);
  bool read_only_ = false;                            // viewed from a memory-mapped file
  unum::usearch::memory_mapped_file_t vectors_file_;  // the mapping a view reads vectors from
  mutable ContextPool contexts_;
};

}  // namespace hearth::internal

#endif  // HEARTH_RAG_HNSW_INDEX_H_
