#include "app/query_embedding_cache.h"

namespace hearth {

std::optional<std::vector<float>> QueryEmbeddingCache::Find(std::string_view embedder_id,
                                                            std::string_view query) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key(embedder_id, query));
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  recency_.splice(recency_.begin(), recency_, it->second.position);
  return it->second.embedding;
}

void QueryEmbeddingCache::Put(std::string_view embedder_id, std::string_view query,
                              std::vector<float> embedding) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  Key key(embedder_id, query);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.embedding = std::move(embedding);
    recency_.splice(recency_.begin(), recency_, it->second.position);
    return;
  }
  while (entries_.size() >= capacity_) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  entries_.emplace(std::move(key), Entry{std::move(embedding), recency_.begin()});
}

size_t QueryEmbeddingCache::size() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

uint64_t QueryEmbeddingCache::hits() {
  std::lock_guard lock(mu_);
  return hits_;
}

uint64_t QueryEmbeddingCache::misses() {
  std::lock_guard lock(mu_);
  return misses_;
}

}  // namespace hearth
