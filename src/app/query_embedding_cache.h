// QueryEmbeddingCache: the embeddings of recent queries, keyed by (embedder
// id, query text), so that a repeated question (a retry, a search refined in
// the UI, a benchmark) does not embed again. Bounded, least recently used
// first out.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_APP_QUERY_EMBEDDING_CACHE_H_
#define HEARTH_APP_QUERY_EMBEDDING_CACHE_H_

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"

namespace hearth {

class QueryEmbeddingCache {
 public:
  // Keeps at most `capacity` embeddings (0 keeps none).
  explicit QueryEmbeddingCache(size_t capacity) : capacity_(capacity) {}

  // The cached embedding, marking it most recently used; nullopt on a miss.
  std::optional<std::vector<float>> Find(std::string_view embedder_id, std::string_view query);
  // Stores (or refreshes) an embedding, evicting the least recently used.
  void Put(std::string_view embedder_id, std::string_view query, std::vector<float> embedding);

  size_t size();
  uint64_t hits();
  uint64_t misses();

 private:
  using Key = std::pair<std::string, std::string>;
  struct Entry {
    std::vector<float> embedding;
    std::list<Key>::iterator position;  // in recency_
  };

  const size_t capacity_;
  std::mutex mu_;
  std::list<Key> recency_ GUARDED_BY(mu_);  // most recent first
  std::map<Key, Entry, std::less<>> entries_ GUARDED_BY(mu_);
  uint64_t hits_ GUARDED_BY(mu_) = 0;
  uint64_t misses_ GUARDED_BY(mu_) = 0;
};

}  // namespace hearth

#endif  // HEARTH_APP_QUERY_EMBEDDING_CACHE_H_
