// PostingList: the documents one term occurs in, with its frequency in each,
// compressed for the lexical index (rag/lexical_index.h).
//
// Documents are the index's dense ordinals (uint32), appended in increasing
// order. Postings are grouped in blocks of kPostingBlockSize; each block is
// varint-coded (the document gap doubled, plus one when the frequency is 1;
// then the frequency when it is not 1) and summarised by a PostingBlock: its
// last document (to skip whole blocks), its largest frequency and its
// shortest document (together an upper bound of any BM25 score in the block,
// which is what block-max pruning needs). The postings after the last full
// block form an open block that is summarised the same way.
//
// Thread-safety: const methods may run concurrently; Append is exclusive.
//
// Example:
//   PostingList list;
//   list.Append(/*doc=*/3, /*frequency=*/2, /*doc_length=*/120);
//   DecodedBlock block;
//   list.Decode(0, &block);  // block.docs[0] == 3, block.frequencies[0] == 2
#ifndef HEARTH_RAG_POSTING_LIST_H_
#define HEARTH_RAG_POSTING_LIST_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace hearth::internal {

inline constexpr size_t kPostingBlockSize = 128;

struct PostingBlock {
  uint32_t last_doc = 0;      // the greatest document in the block
  uint32_t end = 0;           // byte offset just past the block's postings
  uint32_t max_frequency = 0;
  uint32_t min_length = 0;    // the shortest document's length, in terms
};

struct DecodedBlock {
  size_t count = 0;
  std::array<uint32_t, kPostingBlockSize> docs;
  std::array<uint32_t, kPostingBlockSize> frequencies;
};

class PostingList {
 public:
  // Appends a posting. `doc` must be greater than every document in the
  // list (checked by the caller, the index); `frequency` >= 1.
  void Append(uint32_t doc, uint32_t frequency, uint32_t doc_length);

  // Postings in the list.
  uint32_t size() const { return size_; }
  // Blocks, the open one included.
  size_t block_count() const { return blocks_.size() + (open_count() > 0 ? 1 : 0); }
  // The summary of block `i` < block_count().
  PostingBlock block(size_t i) const;
  // Decodes block `i` < block_count() into `out`.
  void Decode(size_t i, DecodedBlock* out) const;

  // Bytes held (compressed postings and block summaries).
  size_t memory_bytes() const;
  // Frees the spare capacity left by appending.
  void ShrinkToFit();

  // Appends the list's serialized form to `out`.
  void SerializeTo(std::string& out) const;
  // Reads a list SerializeTo wrote from the front of `in` and advances it.
  // Every posting is decoded and checked: documents increasing and below
  // `doc_count`, frequencies >= 1, the counts and offsets consistent.
  // Errors: InvalidArgument naming what is wrong.
  static StatusOr<PostingList> Deserialize(std::span<const uint8_t>& in, uint32_t doc_count);

 private:
  uint32_t open_count() const { return size_ - static_cast<uint32_t>(blocks_.size() * kPostingBlockSize); }
  uint32_t open_start() const { return blocks_.empty() ? 0 : blocks_.back().end; }

  std::vector<uint8_t> bytes_;
  std::vector<PostingBlock> blocks_;  // full blocks only
  uint32_t size_ = 0;
  PostingBlock open_;  // summary of the open block (end unused)
};

}  // namespace hearth::internal

#endif  // HEARTH_RAG_POSTING_LIST_H_
