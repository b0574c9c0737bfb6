#include "rag/slot_vectors.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace hearth::internal {

SlotVectors::SlotVectors(size_t bytes_per_vector) : bytes_per_vector_(bytes_per_vector) {}

bool SlotVectors::Reserve(size_t slots) {
  if (viewed_) return false;
  if (slots <= capacity_) return true;
  const size_t segments = (slots + kSlotVectorsPerSegment - 1) / kSlotVectorsPerSegment;
  try {
    std::vector<const uint8_t*> table = segments_;
    std::vector<std::unique_ptr<uint8_t[]>> added;
    table.reserve(segments);
    added.reserve(segments - segments_.size());
    while (table.size() < segments) {
      added.emplace_back(new uint8_t[kSlotVectorsPerSegment * bytes_per_vector_]);
      table.push_back(added.back().get());
    }
    owned_.reserve(segments);
    for (std::unique_ptr<uint8_t[]>& segment : added) owned_.push_back(std::move(segment));
    segments_ = std::move(table);
  } catch (const std::bad_alloc&) {
    return false;
  }
  capacity_ = segments * kSlotVectorsPerSegment;
  return true;
}

void SlotVectors::View(const uint8_t* data, size_t count) {
  owned_.clear();
  segments_.clear();
  const size_t segments = (count + kSlotVectorsPerSegment - 1) / kSlotVectorsPerSegment;
  for (size_t i = 0; i < segments; ++i) {
    segments_.push_back(data + i * kSlotVectorsPerSegment * bytes_per_vector_);
  }
  capacity_ = count;
  viewed_ = true;
}

void SlotVectors::CopyIn(const uint8_t* data, size_t count) {
  for (size_t first = 0; first < count; first += kSlotVectorsPerSegment) {
    const size_t run = std::min(kSlotVectorsPerSegment, count - first);
    std::memcpy(mutable_at(first), data + first * bytes_per_vector_, run * bytes_per_vector_);
  }
}

bool SlotVectors::ForEachRun(size_t count,
                             const std::function<bool(std::span<const uint8_t>)>& write) const {
  for (size_t first = 0; first < count; first += kSlotVectorsPerSegment) {
    const size_t run = std::min(kSlotVectorsPerSegment, count - first);
    if (!write(std::span<const uint8_t>(at(first), run * bytes_per_vector_))) return false;
  }
  return true;
}

size_t SlotVectors::memory_bytes() const {
  return owned_.size() * kSlotVectorsPerSegment * bytes_per_vector_ +
         segments_.capacity() * sizeof(const uint8_t*);
}

}  // namespace hearth::internal
