#include "rag/lexical_index.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "base/status_macros.h"
#include "base/utf8.h"
#include "rag/bm25.h"
#include "rag/lexical_index_file.h"
#include "rag/lexical_tokenizer.h"
#include "rag/lexical_top_k.h"
#include "rag/porter_stemmer.h"

#include "rag/raw_bytes.h"

namespace hearth {
namespace {

constexpr uint32_t kGone = std::numeric_limits<uint32_t>::max();
constexpr size_t kMaxDocs = std::numeric_limits<uint32_t>::max() - 1;
constexpr size_t kWriteBuffer = 1 << 20;

// Appends the term ids of `text`'s terms to `ids`, adding new terms.
template <typename AddTerm>
void CollectTerms(std::string_view text, std::vector<uint32_t>& ids, AddTerm&& id_of) {
  TermScanner scanner(text);
  std::string_view term;
  while (scanner.Next(&term)) ids.push_back(id_of(term));
}

}  // namespace

LexicalIndex::LexicalIndex() = default;
LexicalIndex::~LexicalIndex() = default;

int64_t LexicalIndex::DocOf(int64_t chunk_id) const {
  auto it = std::lower_bound(chunk_ids_.begin(), chunk_ids_.end(), chunk_id);
  if (it == chunk_ids_.end() || *it != chunk_id) return -1;
  return it - chunk_ids_.begin();
}

bool LexicalIndex::Contains(int64_t chunk_id) const {
  const int64_t doc = DocOf(chunk_id);
  return doc >= 0 && removed_[static_cast<size_t>(doc)] == 0;
}

Status LexicalIndex::Add(int64_t chunk_id, std::string_view prefix, std::string_view text) {
  if (chunk_id <= 0) {
    return InvalidArgumentError("chunk id " + std::to_string(chunk_id) + " is not positive");
  }
  if (!chunk_ids_.empty() && chunk_id <= chunk_ids_.back()) {
    if (Contains(chunk_id)) return OkStatus();
    return FailedPreconditionError("chunk " + std::to_string(chunk_id) +
                                   " comes after chunk " + std::to_string(chunk_ids_.back()) +
                                   "; the lexical index takes chunks in id order (rebuild it)");
  }
  if (chunk_ids_.size() >= kMaxDocs) {
    return ResourceExhaustedError("the lexical index holds its limit of " +
                                  std::to_string(kMaxDocs) + " chunks");
  }
  std::vector<uint32_t> ids;
  const auto id_of = [this](std::string_view term) {
    auto it = terms_.find(term);
    if (it == terms_.end()) {
      it = terms_.emplace(std::string(term), static_cast<uint32_t>(postings_.size())).first;
      postings_.emplace_back();
    }
    return it->second;
  };
  CollectTerms(prefix, ids, id_of);
  CollectTerms(text, ids, id_of);
  const auto doc = static_cast<uint32_t>(chunk_ids_.size());
  const auto length = static_cast<uint32_t>(std::min<size_t>(ids.size(), kGone - 1));
  std::sort(ids.begin(), ids.end());
  for (size_t begin = 0; begin < ids.size();) {
    size_t end = begin + 1;
    while (end < ids.size() && ids[end] == ids[begin]) ++end;
    postings_[ids[begin]].Append(doc, static_cast<uint32_t>(end - begin), length);
    begin = end;
  }
  chunk_ids_.push_back(chunk_id);
  lengths_.push_back(length);
  removed_.push_back(0);
  total_length_ += length;
  return OkStatus();
}

bool LexicalIndex::Remove(int64_t chunk_id) {
  const int64_t doc = DocOf(chunk_id);
  if (doc < 0 || removed_[static_cast<size_t>(doc)] != 0) return false;
  removed_[static_cast<size_t>(doc)] = 1;
  ++removed_count_;
  if (removed_count_ * 4 >= chunk_ids_.size()) Compact();
  return true;
}

std::vector<std::string> LexicalIndex::QueryTerms(std::string_view query) {
  TermScanner scanner(Utf8Prefix(query, kMaxQueryBytes));
  std::vector<std::string> content, stopwords;
  std::string_view word;
  while (content.size() < kMaxQueryTerms && scanner.NextWord(&word)) {
    std::vector<std::string>& list = IsLexicalStopword(word) ? stopwords : content;
    std::string term(word);
    PorterStem(term);
    if (list.size() < kMaxQueryTerms && std::find(list.begin(), list.end(), term) == list.end()) {
      list.push_back(std::move(term));
    }
  }
  return content.empty() ? stopwords : content;
}

StatusOr<std::vector<LexicalHit>> LexicalIndex::Search(std::string_view query, size_t k,
                                                       const LexicalSearchOptions& options) const {
  if (k < 1 || k > kMaxHits) {
    return InvalidArgumentError("a lexical search asks for 1 to " + std::to_string(kMaxHits) +
                                " hits, not " + std::to_string(k));
  }
  const double documents = static_cast<double>(chunk_ids_.size());
  std::vector<internal::QueryTerm> terms;
  for (const std::string& term : QueryTerms(query)) {
    auto it = terms_.find(term);
    if (it == terms_.end()) continue;
    const internal::PostingList& list = postings_[it->second];
    terms.push_back({.postings = &list, .idf = Bm25Idf(documents, list.size())});
  }
  std::vector<LexicalHit> hits;
  if (terms.empty()) return hits;
  const internal::CorpusView corpus{
      .lengths = lengths_,
      .removed = removed_,
      .average_length = static_cast<double>(total_length_) / documents};
  for (const internal::ScoredDoc& scored :
       internal::TopBm25InParts(terms, corpus, k, options.threads, options.min_part_chunks)) {
    hits.push_back({.chunk_id = chunk_ids_[scored.doc], .score = scored.score});
  }
  return hits;
}

void LexicalIndex::Compact() {
  if (removed_count_ == 0) return;
  std::vector<uint32_t> renumbered(chunk_ids_.size(), kGone);
  std::vector<int64_t> chunk_ids;
  std::vector<uint32_t> lengths;
  uint64_t total_length = 0;
  for (size_t doc = 0; doc < chunk_ids_.size(); ++doc) {
    if (removed_[doc] != 0) continue;
    renumbered[doc] = static_cast<uint32_t>(chunk_ids.size());
    chunk_ids.push_back(chunk_ids_[doc]);
    lengths.push_back(lengths_[doc]);
    total_length += lengths_[doc];
  }
  std::vector<internal::PostingList> postings;
  internal::DecodedBlock block;
  for (auto it = terms_.begin(); it != terms_.end();) {
    internal::PostingList& old = postings_[it->second];
    internal::PostingList kept;
    for (size_t b = 0; b < old.block_count(); ++b) {
      old.Decode(b, &block);
      for (size_t p = 0; p < block.count; ++p) {
        const uint32_t doc = renumbered[block.docs[p]];
        if (doc != kGone) kept.Append(doc, block.frequencies[p], lengths[doc]);
      }
    }
    old = internal::PostingList();  // free as we go
    if (kept.size() == 0) {
      it = terms_.erase(it);
      continue;
    }
    kept.ShrinkToFit();
    it->second = static_cast<uint32_t>(postings.size());
    postings.push_back(std::move(kept));
    ++it;
  }
  chunk_ids_ = std::move(chunk_ids);
  lengths_ = std::move(lengths);
  removed_.assign(chunk_ids_.size(), 0);
  removed_count_ = 0;
  total_length_ = total_length;
  postings_ = std::move(postings);
}

std::vector<int64_t> LexicalIndex::Keys() const {
  std::vector<int64_t> keys;
  keys.reserve(size());
  for (size_t doc = 0; doc < chunk_ids_.size(); ++doc) {
    if (removed_[doc] == 0) keys.push_back(chunk_ids_[doc]);
  }
  return keys;
}

size_t LexicalIndex::memory_bytes() const {
  size_t bytes = sizeof(*this) + chunk_ids_.capacity() * sizeof(int64_t) +
                 lengths_.capacity() * sizeof(uint32_t) + removed_.capacity() +
                 postings_.capacity() * sizeof(internal::PostingList);
  for (const internal::PostingList& list : postings_) {
    bytes += list.memory_bytes() - sizeof(internal::PostingList);
  }
  // The dictionary: a bucket pointer, a node (next, key, value, hash) and
  // the key's heap bytes when it does not fit in the string itself.
  bytes += terms_.bucket_count() * sizeof(void*);
  for (const auto& [term, id] : terms_) {
    bytes += 2 * sizeof(void*) + sizeof(std::string) + sizeof(size_t);
    if (term.capacity() > 15) bytes += term.capacity() + 1;
  }
  return bytes;
}

Status LexicalIndex::Save(const std::filesystem::path& path, int64_t applied_sequence) const {
  ASSIGN_OR_RETURN(internal::LexicalFileWriter writer,
                   internal::LexicalFileWriter::Create(path, applied_sequence));
  std::string buffer;
  const auto flush = [&](bool always) -> Status {
    if (!always && buffer.size() < kWriteBuffer) return OkStatus();
    RETURN_IF_ERROR(writer.Append(
        std::span(reinterpret_cast<const uint8_t*>(buffer.data()), buffer.size())));
    buffer.clear();
    return OkStatus();
  };
  internal::AppendRaw<uint64_t>(buffer, chunk_ids_.size());
  internal::AppendRaw<uint64_t>(buffer, terms_.size());
  internal::AppendRaw<uint64_t>(buffer, total_length_);
  for (int64_t id : chunk_ids_) internal::AppendRaw(buffer, id);
  for (uint32_t length : lengths_) internal::AppendRaw(buffer, length);
  buffer.append(reinterpret_cast<const char*>(removed_.data()), removed_.size());
  for (const auto& [term, id] : terms_) {
    RETURN_IF_ERROR(flush(false));
    internal::AppendRaw<uint32_t>(buffer, static_cast<uint32_t>(term.size()));
    buffer += term;
    postings_[id].SerializeTo(buffer);
  }
  RETURN_IF_ERROR(flush(true));
  return writer.Commit();
}

Status LexicalIndex::ParsePayload(std::span<const uint8_t> in) {
  uint64_t docs = 0, term_count = 0;
  if (!internal::TakeRaw(in, &docs) || !internal::TakeRaw(in, &term_count) || !internal::TakeRaw(in, &total_length_)) {
    return InvalidArgumentError("truncated counts");
  }
  if (docs > kMaxDocs || docs * 13 > in.size() || term_count > in.size()) {
    return InvalidArgumentError("impossible counts");
  }
  chunk_ids_.resize(docs);
  lengths_.resize(docs);
  uint64_t total = 0;
  for (size_t doc = 0; doc < docs; ++doc) {
    internal::TakeRaw(in, &chunk_ids_[doc]);
    if (chunk_ids_[doc] <= 0 || (doc > 0 && chunk_ids_[doc] <= chunk_ids_[doc - 1])) {
      return InvalidArgumentError("chunk ids do not increase");
    }
  }
  for (uint32_t& length : lengths_) {
    internal::TakeRaw(in, &length);
    total += length;
  }
  removed_.assign(in.begin(), in.begin() + static_cast<ptrdiff_t>(docs));
  in = in.subspan(docs);
  for (uint8_t flag : removed_) {
    if (flag > 1) return InvalidArgumentError("a removal flag is neither 0 nor 1");
    removed_count_ += flag;
  }
  if (total != total_length_) return InvalidArgumentError("the lengths do not add up");
  postings_.reserve(term_count);
  for (uint64_t t = 0; t < term_count; ++t) {
    uint32_t bytes = 0;
    if (!internal::TakeRaw(in, &bytes) || bytes == 0 || bytes > kMaxTermBytes || in.size() < bytes) {
      return InvalidArgumentError("a term is truncated or too long");
    }
    std::string term(reinterpret_cast<const char*>(in.data()), bytes);
    in = in.subspan(bytes);
    ASSIGN_OR_RETURN(internal::PostingList list,
                     internal::PostingList::Deserialize(in, static_cast<uint32_t>(docs)));
    if (!terms_.emplace(std::move(term), static_cast<uint32_t>(postings_.size())).second) {
      return InvalidArgumentError("a term is stored twice");
    }
    postings_.push_back(std::move(list));
  }
  if (!in.empty()) return InvalidArgumentError("bytes follow the last term");
  return OkStatus();
}

StatusOr<std::unique_ptr<LexicalIndex>> LexicalIndex::Open(const std::filesystem::path& path,
                                                           int64_t* applied_sequence) {
  ASSIGN_OR_RETURN(internal::LexicalFile file, internal::ReadLexicalFile(path));
  auto index = std::make_unique<LexicalIndex>();
  Status parsed = index->ParsePayload(file.payload());
  if (!parsed.ok()) {
    return InternalError("lexical index file " + path.string() + " is corrupt: " +
                         parsed.message());
  }
  *applied_sequence = file.applied_sequence;
  return index;
}

}  // namespace hearth
