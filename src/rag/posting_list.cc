#include "rag/posting_list.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "rag/raw_bytes.h"

namespace hearth::internal {
namespace {

constexpr uint32_t kNoLength = std::numeric_limits<uint32_t>::max();

void PutVarint(std::vector<uint8_t>& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

// For lists already checked (Deserialize or our own appends).
uint64_t GetVarint(const uint8_t*& in) {
  uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t byte = *in++;
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return value;
  }
}

// Bounds-checked; false when the bytes end or the value overflows.
bool GetVarintChecked(const uint8_t*& in, const uint8_t* end, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && in < end; shift += 7) {
    const uint8_t byte = *in++;
    *value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return true;
  }
  return false;
}

Status Bad(const std::string& what) {
  return InvalidArgumentError("posting list: " + what);
}

}  // namespace

void PostingList::Append(uint32_t doc, uint32_t frequency, uint32_t doc_length) {
  if (open_count() == 0) {
    open_.max_frequency = 0;
    open_.min_length = kNoLength;
  }
  const uint32_t previous = size_ == 0 ? 0 : open_.last_doc;
  PutVarint(bytes_, static_cast<uint64_t>(doc - previous) * 2 + (frequency == 1 ? 1 : 0));
  if (frequency != 1) PutVarint(bytes_, frequency);
  open_.last_doc = doc;
  open_.max_frequency = std::max(open_.max_frequency, frequency);
  open_.min_length = std::min(open_.min_length, doc_length);
  ++size_;
  if (open_count() == kPostingBlockSize) {
    PostingBlock sealed = open_;
    sealed.end = static_cast<uint32_t>(bytes_.size());
    blocks_.push_back(sealed);
  }
}

PostingBlock PostingList::block(size_t i) const {
  if (i < blocks_.size()) return blocks_[i];
  PostingBlock open = open_;
  open.end = static_cast<uint32_t>(bytes_.size());
  return open;
}

void PostingList::Decode(size_t i, DecodedBlock* out) const {
  const uint8_t* in = bytes_.data() + (i == 0 ? 0 : blocks_[i - 1].end);
  out->count = i < blocks_.size() ? kPostingBlockSize : open_count();
  uint32_t doc = i == 0 ? 0 : blocks_[i - 1].last_doc;
  for (size_t p = 0; p < out->count; ++p) {
    const uint64_t value = GetVarint(in);
    doc += static_cast<uint32_t>(value >> 1);
    out->docs[p] = doc;
    out->frequencies[p] = (value & 1) != 0 ? 1 : static_cast<uint32_t>(GetVarint(in));
  }
}

size_t PostingList::memory_bytes() const {
  return sizeof(PostingList) + bytes_.capacity() + blocks_.capacity() * sizeof(PostingBlock);
}

void PostingList::ShrinkToFit() {
  bytes_.shrink_to_fit();
  blocks_.shrink_to_fit();
}

void PostingList::SerializeTo(std::string& out) const {
  AppendRaw<uint32_t>(out, size_);
  AppendRaw<uint32_t>(out, static_cast<uint32_t>(bytes_.size()));
  for (const PostingBlock& block : blocks_) {
    AppendRaw<uint32_t>(out, block.last_doc);
    AppendRaw<uint32_t>(out, block.end);
    AppendRaw<uint32_t>(out, block.max_frequency);
    AppendRaw<uint32_t>(out, block.min_length);
  }
  AppendRaw<uint32_t>(out, open_.last_doc);
  AppendRaw<uint32_t>(out, open_.max_frequency);
  AppendRaw<uint32_t>(out, open_.min_length);
  out.append(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
}

StatusOr<PostingList> PostingList::Deserialize(std::span<const uint8_t>& in, uint32_t doc_count) {
  PostingList list;
  uint32_t byte_count = 0;
  if (!TakeRaw<uint32_t>(in, &list.size_) || !TakeRaw<uint32_t>(in, &byte_count)) return Bad("truncated header");
  if (list.size_ == 0 || list.size_ > doc_count) return Bad("impossible size");
  list.blocks_.resize(list.size_ / kPostingBlockSize);
  for (PostingBlock& block : list.blocks_) {
    if (!TakeRaw<uint32_t>(in, &block.last_doc) || !TakeRaw<uint32_t>(in, &block.end) ||
        !TakeRaw<uint32_t>(in, &block.max_frequency) || !TakeRaw<uint32_t>(in, &block.min_length)) {
      return Bad("truncated block summaries");
    }
  }
  if (!TakeRaw<uint32_t>(in, &list.open_.last_doc) || !TakeRaw<uint32_t>(in, &list.open_.max_frequency) ||
      !TakeRaw<uint32_t>(in, &list.open_.min_length) || in.size() < byte_count) {
    return Bad("truncated postings");
  }
  list.bytes_.assign(in.begin(), in.begin() + byte_count);
  in = in.subspan(byte_count);
  // Decode everything once, checked, so that Decode can trust the bytes.
  const uint8_t* at = list.bytes_.data();
  const uint8_t* end = at + list.bytes_.size();
  uint32_t doc = 0;
  for (size_t i = 0; i < list.block_count(); ++i) {
    const PostingBlock summary = list.block(i);
    const size_t count = i < list.blocks_.size() ? kPostingBlockSize : list.open_count();
    uint32_t max_frequency = 0;
    for (size_t p = 0; p < count; ++p) {
      uint64_t value = 0, frequency = 1;
      if (!GetVarintChecked(at, end, &value)) return Bad("a posting runs past the end");
      if ((value & 1) == 0 && !GetVarintChecked(at, end, &frequency)) {
        return Bad("a frequency runs past the end");
      }
      const uint64_t next = static_cast<uint64_t>(doc) + (value >> 1);
      if ((value >> 1) == 0 && !(i == 0 && p == 0)) return Bad("documents do not increase");
      if (next >= doc_count || frequency == 0 || frequency > kNoLength) {
        return Bad("a posting is out of range");
      }
      doc = static_cast<uint32_t>(next);
      max_frequency = std::max(max_frequency, static_cast<uint32_t>(frequency));
    }
    if (doc != summary.last_doc || max_frequency != summary.max_frequency ||
        static_cast<size_t>(at - list.bytes_.data()) != summary.end) {
      return Bad("a block summary disagrees with its postings");
    }
  }
  if (at != end) return Bad("bytes follow the last posting");
  return list;
}

}  // namespace hearth::internal
