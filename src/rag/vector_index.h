// VectorIndex: the approximate nearest-neighbour index of one (workspace,
// embedder): chunk ids (uint64 keys) to embedding vectors, searched by cosine
// similarity. It is derived data — SQLite holds the chunks and the embedding
// cache — so an index file that is missing, corrupt or made for another
// embedder is simply rebuilt (rag/workspace_indexes.h does that).
//
// The implementation (rag/hnsw_index.h) is usearch's HNSW graph over
// hearth's own vector storage, vectors stored as f16 (the default) or i8
// (half the memory; each vector scaled by its largest component). On 10,000 384-d vectors both find 99% of the exact top 10 with
// the default options (rag/vector_index_test.cc).
//
// Index file (Save / Open), all integers little-endian:
//   offset  0  magic "HRTHVIDX"
//           8  u32 format version (2)
//          12  u32 header bytes H (a multiple of 64, so the payload is aligned)
//          16  u32 dimensions
//          20  u8 scalar (1 = f16, 2 = i8), u8 metric (1 = cosine), u16 zero
//          24  i64 applied change sequence (store/index_change_log.h)
//          32  u64 payload bytes P
//          40  u32 embedder id bytes E (at most 1024), u32 zero
//          48  32-byte SHA-256 of the header (with these 32 bytes zero) and
//              the payload
//          80  the embedder id, then zeros up to H
//           H  the graph, then the vectors in slot order (rag/hnsw_index.h),
//              P bytes; the file is H + P bytes.
//
// Thread-safety: thread-safe. Searches run concurrently with each other and
// with Save; Add, AddBatch and Remove are exclusive (a std::shared_mutex).
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> index,
//                    VectorIndex::Create({.dimensions = 384}));
//   RETURN_IF_ERROR(index->Add(chunk_id, embedding));
//   ASSIGN_OR_RETURN(std::vector<VectorMatch> top, index->Search(query, 10));
//   RETURN_IF_ERROR(index->Save(path, {.embedder_id = id, .applied_sequence = seq}));
//   StatusOr<std::unique_ptr<VectorIndex>> reopened =
//       VectorIndex::Open(path, {.embedder_id = id, .dimensions = 384});
//   // not ok (other than NotFound): rebuild from SQLite.
#ifndef HEARTH_RAG_VECTOR_INDEX_H_
#define HEARTH_RAG_VECTOR_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hearth {

// How vectors are stored. The values are the file's scalar byte.
enum class VectorScalar : uint8_t { kF16 = 1, kI8 = 2 };

// "f16", "i8".
std::string_view VectorScalarName(VectorScalar scalar);

// The shape and HNSW parameters of a new index. Defaults suit embedders of
// 256..1024 dimensions and up to a few million chunks.
struct VectorIndexOptions {
  size_t dimensions = 0;  // required, 1..16384
  VectorScalar scalar = VectorScalar::kF16;
  // Graph edges per node (HNSW's M). More: better recall, more memory.
  size_t connectivity = 16;
  // Candidates kept while inserting (efConstruction) and searching (ef).
  size_t expansion_add = 128;
  size_t expansion_search = 128;
};

// What Save records beside the vectors.
struct VectorIndexHeader {
  std::string embedder_id;       // app/token_counter_cache.h EmbedderId(); at most 1024 bytes
  int64_t applied_sequence = 0;  // the last index change the vectors reflect
};

// What Open requires of a file; a file that differs is refused.
struct VectorIndexExpectation {
  std::string embedder_id;
  size_t dimensions = 0;
  VectorScalar scalar = VectorScalar::kF16;
};

enum class VectorIndexOpenMode {
  kLoad,       // read into memory; the index can change afterwards
  kMemoryMap,  // search the file in place (read-only: Add/Remove fail)
};

struct VectorMatch {
  uint64_t key = 0;
  float distance = 0;    // cosine distance, 1 - similarity; ascending in results
  float similarity = 0;  // cosine similarity, -1..1
};

class VectorIndex {
 public:
  // Keeps only the keys a search may return (e.g. the chunks of the
  // documents a user selected); called from the searching thread.
  using KeyFilter = std::function<bool(uint64_t key)>;

  // An empty index. Errors: InvalidArgument for dimensions outside
  // 1..16384 or zero connectivity/expansions; ResourceExhausted when memory
  // runs out.
  static StatusOr<std::unique_ptr<VectorIndex>> Create(const VectorIndexOptions& options);

  // Reads an index Save wrote and checks it. Errors:
  //   NotFound            no file at `path`
  //   Internal            "index file <path> is corrupt: <what>" — bad magic,
  //                       truncated, checksum mismatch, unreadable payload
  //   FailedPrecondition  the file is sound but not what `expected` asks
  //                       ("index was built for embedder X"), or of another
  //                       format version
  // In every error case the caller rebuilds; nothing is changed on disk.
  // The HNSW search expansion of an opened index is the default of
  // VectorIndexOptions.
  static StatusOr<std::unique_ptr<VectorIndex>> Open(
      const std::filesystem::path& path, const VectorIndexExpectation& expected,
      VectorIndexOpenMode mode = VectorIndexOpenMode::kLoad);

  virtual ~VectorIndex();

  // Stores `vector` (dimensions() floats, finite) under `key`, replacing a
  // vector already stored under it. Errors: InvalidArgument for a wrong size
  // or a non-finite value; FailedPrecondition for a memory-mapped index;
  // ResourceExhausted when memory runs out. On error the index is unchanged.
  virtual Status Add(uint64_t key, std::span<const float> vector) = 0;

  // Add for keys.size() vectors laid end to end in `vectors`
  // (keys.size() * dimensions() floats). Every vector is checked before any
  // is added, so a bad input changes nothing.
  virtual Status AddBatch(std::span<const uint64_t> keys, std::span<const float> vectors) = 0;

  // Forgets `key`; OK when it is not there. Errors: FailedPrecondition for a
  // memory-mapped index.
  virtual Status Remove(uint64_t key) = 0;

  // The (up to) `k` stored vectors nearest to `query`, nearest first, among
  // the keys `filter` accepts (all when it is empty). Errors:
  // InvalidArgument for a wrong size or a non-finite query.
  virtual StatusOr<std::vector<VectorMatch>> Search(std::span<const float> query, size_t k,
                                                    const KeyFilter& filter = {}) const = 0;

  // Sets the candidates kept while searching (HNSW's ef) for later searches:
  // more finds more of the exact neighbours, more slowly (the benchmark in
  // bench/ann_bench.cc tunes it). Exclusive, like Add. Errors:
  // InvalidArgument for 0.
  virtual Status SetExpansionSearch(size_t expansion) = 0;

  virtual bool Contains(uint64_t key) const = 0;
  // Every key stored, sorted.
  virtual std::vector<uint64_t> Keys() const = 0;

  // Vectors stored.
  virtual size_t size() const = 0;
  // An estimate of the memory the index holds (graph and vectors).
  virtual size_t memory_bytes() const = 0;
  virtual size_t dimensions() const = 0;
  virtual VectorScalar scalar() const = 0;
  // What Open read from the file; {"", 0} for a created index.
  virtual const VectorIndexHeader& header() const = 0;

  // Writes the index and `header` to `path` atomically: a temporary file in
  // the same folder, fsync, rename over `path`, fsync of the folder. A crash
  // leaves the old file or the new one, never a mix. Errors: InvalidArgument
  // for an embedder id over 1024 bytes; the errno's code (PermissionDenied,
  // ResourceExhausted for a full disk, ...) when writing fails.
  virtual Status Save(const std::filesystem::path& path, const VectorIndexHeader& header) const = 0;
};

}  // namespace hearth

#endif  // HEARTH_RAG_VECTOR_INDEX_H_
