// SlotVectors: the vectors of the vector index, fixed-size byte strings
// addressed by the graph's slot numbers. They sit in segments of
// kSlotVectorsPerSegment, so that
//   - a slot's address is one read of a small table (8 bytes per 1,024
//     vectors: 8 KB at a million, which stays in cache) plus arithmetic,
//     where a table of one pointer per vector (usearch's index_dense) costs
//     a second cache miss before every distance;
//   - growing never moves a stored vector and never needs twice the memory.
// A viewed SlotVectors addresses vectors laid end to end in memory it does
// not own (a memory-mapped index file) and cannot change. Internal to
// rag/vector_index.cc.
//
// Thread-safety: const methods may run concurrently; Reserve, View and
// writing through mutable_at need exclusive access (the index's lock), except
// that writes to distinct slots below capacity() may run concurrently.
#ifndef HEARTH_RAG_SLOT_VECTORS_H_
#define HEARTH_RAG_SLOT_VECTORS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace hearth::internal {

inline constexpr size_t kSlotVectorsPerSegment = 1024;

class SlotVectors {
 public:
  // Vectors of `bytes_per_vector` bytes (> 0); no capacity yet.
  explicit SlotVectors(size_t bytes_per_vector);

  // Owned room for at least `slots` vectors; what is stored is kept. false
  // (and nothing changed) when memory runs out or the vectors are viewed.
  bool Reserve(size_t slots);

  // Addresses `count` vectors laid end to end at `data`, which must outlive
  // this object; drops owned storage. Afterwards the vectors are read-only.
  void View(const uint8_t* data, size_t count);

  // The vector at `slot` (< capacity()).
  const uint8_t* at(size_t slot) const {
    return segments_[slot / kSlotVectorsPerSegment] +
           (slot % kSlotVectorsPerSegment) * bytes_per_vector_;
  }
  // Writable only when owned (!viewed()).
  uint8_t* mutable_at(size_t slot) { return const_cast<uint8_t*>(at(slot)); }

  // Copies `count` (<= capacity()) vectors laid end to end at `data` into
  // slots 0..count-1. Owned storage only.
  void CopyIn(const uint8_t* data, size_t count);

  // Calls `write` with the vectors of slots 0..count-1 in order, as few
  // contiguous runs as the segments allow; stops at the first false.
  bool ForEachRun(size_t count, const std::function<bool(std::span<const uint8_t>)>& write) const;

  size_t capacity() const { return capacity_; }
  size_t bytes_per_vector() const { return bytes_per_vector_; }
  bool viewed() const { return viewed_; }
  // Memory owned (the segments and their table).
  size_t memory_bytes() const;

 private:
  size_t bytes_per_vector_;
  size_t capacity_ = 0;
  bool viewed_ = false;
  std::vector<const uint8_t*> segments_;
  std::vector<std::unique_ptr<uint8_t[]>> owned_;
};

}  // namespace hearth::internal

#endif  // HEARTH_RAG_SLOT_VECTORS_H_
