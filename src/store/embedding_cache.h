// EmbeddingCache: vectors computed before, keyed by (embedder, content hash).
//
// Re-ingesting a file, or two documents sharing paragraphs, costs no model
// time: the pipeline looks each chunk's content_hash up first and embeds
// only the misses. Vectors are stored as float32 little-endian BLOBs.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it).
//
// Example:
//   EmbeddingCache cache(db);
//   ASSIGN_OR_RETURN(auto found, cache.Lookup("nomic-embed-text", hashes));
//   ... embed the hashes not in `found` ...
//   RETURN_IF_ERROR(cache.Store("nomic-embed-text", fresh));
#ifndef HEARTH_STORE_EMBEDDING_CACHE_H_
#define HEARTH_STORE_EMBEDDING_CACHE_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

struct CachedEmbedding {
  std::string content_hash;
  std::vector<float> vector;
};

class EmbeddingCache {
 public:
  explicit EmbeddingCache(Database& db) : db_(db) {}

  // The cached vectors among `content_hashes`, by hash; misses are absent.
  StatusOr<std::unordered_map<std::string, std::vector<float>>> Lookup(
      std::string_view embedder, std::span<const std::string> content_hashes);

  // Stores (or replaces) every entry in one transaction (a savepoint when one
  // is open). Errors: InvalidArgument for an empty embedder, an empty hash or
  // an empty vector, or a non-finite value (naming the hash). Nothing is
  // written on error.
  Status Store(std::string_view embedder, std::span<const CachedEmbedding> entries);

  // The length of the embedder's vectors, from any one stored; nullopt when
  // none is stored.
  StatusOr<std::optional<size_t>> Dimensions(std::string_view embedder);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_EMBEDDING_CACHE_H_
