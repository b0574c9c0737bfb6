#include "store/embedding_cache.h"

#include <bit>
#include <cmath>
#include <cstdint>

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

// float32 little-endian, whatever the host's byte order.
std::vector<std::byte> Encode(const std::vector<float>& vector) {
  std::vector<std::byte> bytes(vector.size() * 4);
  for (size_t i = 0; i < vector.size(); ++i) {
    uint32_t bits = std::bit_cast<uint32_t>(vector[i]);
    for (size_t b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<std::byte>(bits >> (8 * b));
  }
  return bytes;
}

std::vector<float> Decode(const std::string& bytes) {
  std::vector<float> vector(bytes.size() / 4);
  for (size_t i = 0; i < vector.size(); ++i) {
    uint32_t bits = 0;
    for (size_t b = 0; b < 4; ++b) {
      bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
    }
    vector[i] = std::bit_cast<float>(bits);
  }
  return vector;
}

Status CheckEntry(const CachedEmbedding& entry) {
  if (entry.content_hash.empty()) return InvalidArgumentError("embedding content_hash is empty");
  RETURN_IF_ERROR(internal::CheckText("embedding content_hash", entry.content_hash, 256));
  if (entry.vector.empty()) {
    return InvalidArgumentError("embedding for " + entry.content_hash + " is empty");
  }
  for (float value : entry.vector) {
    if (!std::isfinite(value)) {
      return InvalidArgumentError("embedding for " + entry.content_hash +
                                  " has a non-finite value");
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::unordered_map<std::string, std::vector<float>>> EmbeddingCache::Lookup(
    std::string_view embedder, std::span<const std::string> content_hashes) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT vector FROM embeddings "
                               "WHERE embedder = ?1 AND content_hash = ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, embedder));
  std::unordered_map<std::string, std::vector<float>> found;
  for (const std::string& hash : content_hashes) {
    RETURN_IF_ERROR(stmt.Bind(2, hash));
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (has_row) found[hash] = Decode(stmt.ColumnBlob(0));
    stmt.Reset();
  }
  return found;
}

StatusOr<std::optional<size_t>> EmbeddingCache::Dimensions(std::string_view embedder) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT dimensions FROM embeddings WHERE embedder = ?1 LIMIT 1"));
  RETURN_IF_ERROR(stmt.Bind(1, embedder));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<size_t>();
  return std::optional<size_t>(static_cast<size_t>(stmt.ColumnInt(0)));
}

Status EmbeddingCache::Store(std::string_view embedder,
                             std::span<const CachedEmbedding> entries) {
  if (embedder.empty()) return InvalidArgumentError("embedding cache embedder is empty");
  RETURN_IF_ERROR(internal::CheckText("embedder", embedder, 512));
  for (const CachedEmbedding& entry : entries) RETURN_IF_ERROR(CheckEntry(entry));
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT OR REPLACE INTO embeddings "
                               "(embedder, content_hash, dimensions, vector) "
                               "VALUES (?1, ?2, ?3, ?4)"));
  RETURN_IF_ERROR(stmt.Bind(1, embedder));
  for (const CachedEmbedding& entry : entries) {
    RETURN_IF_ERROR(stmt.Bind(2, entry.content_hash));
    RETURN_IF_ERROR(stmt.Bind(3, static_cast<int64_t>(entry.vector.size())));
    RETURN_IF_ERROR(stmt.BindBlob(4, Encode(entry.vector)));
    RETURN_IF_ERROR(stmt.Run());
  }
  return transaction.Commit();
}

}  // namespace hearth
