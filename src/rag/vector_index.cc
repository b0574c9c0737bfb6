#include "rag/vector_index.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>
#include <utility>

#include "base/status_macros.h"
#include "base/thread_annotations.h"
#include "rag/f16_cosine.h"
#include "rag/vector_index_file.h"
#include "store/digest.h"
#include "usearch/index_dense.hpp"

namespace hearth {
namespace {

namespace us = unum::usearch;

constexpr size_t kMaxDimensions = 16384;
constexpr size_t kInitialCapacity = 1024;
// usearch keeps per-thread search state; searches beyond this many at once
// wait for a slot (the semaphore below) instead of failing.
constexpr ptrdiff_t kSearchSlots = 16;
// Batches at least this large (an index rebuilt from the store, a
// re-embedding) are added by one thread per core, each with its own usearch
// thread slot. Smaller ones (ingestion's batches of 64) stay on the caller's
// thread and leave the other cores to the embedder.
constexpr size_t kParallelAddMinimum = 4096;

size_t AddThreads(size_t batch) {
  if (batch < kParallelAddMinimum) return 1;
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kSearchSlots);
}

// Whether `keys` holds no key twice.
bool Distinct(std::span<const uint64_t> keys) {
  std::vector<uint64_t> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

// usearch's error_t throws from its destructor unless its message is taken.
std::string TakeError(us::error_t& error) {
  const char* message = error.release();
  return message != nullptr ? message : "unknown usearch error";
}

us::scalar_kind_t UsearchScalar(VectorScalar scalar) {
  return scalar == VectorScalar::kI8 ? us::scalar_kind_t::i8_k : us::scalar_kind_t::f16_k;
}

// Cosine over the stored scalar, with our vectorized kernels
// (rag/f16_cosine.h) in place of usearch's portable ones.
us::metric_punned_t MetricFor(size_t dimensions, VectorScalar scalar) {
  const bool i8 = scalar == VectorScalar::kI8;
  return us::metric_punned_t::stateless(
      dimensions,
      reinterpret_cast<uintptr_t>(i8 ? &internal::CosineDistanceI8 : &internal::CosineDistanceF16),
      us::metric_punned_signature_t::array_array_size_k, us::metric_kind_t::cos_k,
      UsearchScalar(scalar));
}

// i8 vectors are scaled by their largest component, not by their norm as
// usearch's own cast does: cosine ignores the scale, and a 384-d unit
// vector's components (~0.05) would otherwise use only ~13 of 255 levels.
std::vector<int8_t> QuantizeI8(const float* vector, size_t dimensions) {
  float max_abs = 0;
  for (size_t i = 0; i < dimensions; ++i) max_abs = std::max(max_abs, std::fabs(vector[i]));
  std::vector<int8_t> out(dimensions, 0);
  if (max_abs == 0) return out;
  const float scale = 127.0f / max_abs;
  for (size_t i = 0; i < dimensions; ++i) {
    out[i] = static_cast<int8_t>(std::lround(vector[i] * scale));
  }
  return out;
}

// The searches usearch can run at once: kSearchSlots, or fewer for a
// memory-mapped index (a view keeps the thread count usearch chose).
ptrdiff_t SearchSlots(const us::index_dense_t& index) {
  return std::clamp<ptrdiff_t>(static_cast<ptrdiff_t>(index.limits().threads_search), 1,
                               kSearchSlots);
}

Status CheckVector(std::span<const float> vector, size_t dimensions, std::string_view what) {
  if (vector.size() != dimensions) {
    return InvalidArgumentError(std::string(what) + " has " + std::to_string(vector.size()) +
                                " dimensions; the index holds " + std::to_string(dimensions) +
                                "-dimensional vectors");
  }
  for (float value : vector) {
    if (!std::isfinite(value)) {
      return InvalidArgumentError(std::string(what) + " has a value that is not a finite number");
    }
  }
  return OkStatus();
}

Status CheckOptions(const VectorIndexOptions& options) {
  if (options.dimensions == 0 || options.dimensions > kMaxDimensions) {
    return InvalidArgumentError("vector index dimensions must be 1.." +
                                std::to_string(kMaxDimensions) + ", not " +
                                std::to_string(options.dimensions));
  }
  if (options.connectivity < 2 || options.expansion_add == 0 || options.expansion_search == 0) {
    return InvalidArgumentError(
        "vector index connectivity must be at least 2 and expansions at least 1");
  }
  return OkStatus();
}

class UsearchIndex final : public VectorIndex {
 public:
  UsearchIndex(us::index_dense_t index, VectorScalar scalar, VectorIndexHeader header,
               bool read_only)
      : index_(std::move(index)),
        scalar_(scalar),
        header_(std::move(header)),
        read_only_(read_only),
        searches_(SearchSlots(index_)) {}

  Status Add(uint64_t key, std::span<const float> vector) override {
    RETURN_IF_ERROR(CheckVector(vector, dimensions(), "the vector"));
    const std::array<uint64_t, 1> keys = {key};
    return AddChecked(keys, vector);
  }

  Status AddBatch(std::span<const uint64_t> keys, std::span<const float> vectors) override {
    if (vectors.size() != keys.size() * dimensions()) {
      return InvalidArgumentError(std::to_string(keys.size()) + " keys need " +
                                  std::to_string(keys.size() * dimensions()) + " floats, not " +
                                  std::to_string(vectors.size()));
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      RETURN_IF_ERROR(CheckVector(vectors.subspan(i * dimensions(), dimensions()), dimensions(),
                                  "vector " + std::to_string(i)));
    }
    return AddChecked(keys, vectors);
  }

  Status Remove(uint64_t key) override {
    std::unique_lock lock(mu_);
    RETURN_IF_ERROR(CheckMutable());
    us::index_dense_t::labeling_result_t result = index_.remove(key);
    if (result.error) return InternalError("usearch remove failed: " + TakeError(result.error));
    return OkStatus();
  }

  Status SetExpansionSearch(size_t expansion) override {
    if (expansion == 0) return InvalidArgumentError("the search expansion must be at least 1");
    std::unique_lock lock(mu_);
    index_.change_expansion_search(expansion);
    return OkStatus();
  }

  StatusOr<std::vector<VectorMatch>> Search(std::span<const float> query, size_t k,
                                            const KeyFilter& filter) const override {
    RETURN_IF_ERROR(CheckVector(query, dimensions(), "the query"));
    if (k == 0) return std::vector<VectorMatch>{};
    std::shared_lock lock(mu_);
    searches_.acquire();
    struct Release {
      std::counting_semaphore<kSearchSlots>& slots;
      ~Release() { slots.release(); }
    } release{searches_};
    try {
      return SearchLocked(query, k, filter);
    } catch (const std::exception& e) {
      return ResourceExhaustedError(std::string("vector search failed: ") + e.what());
    }
  }

  bool Contains(uint64_t key) const override {
    std::shared_lock lock(mu_);
    return index_.contains(key);
  }

  std::vector<uint64_t> Keys() const override {
    std::shared_lock lock(mu_);
    std::vector<uint64_t> keys(index_.size());
    index_.export_keys(keys.data(), 0, keys.size());
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  size_t size() const override {
    std::shared_lock lock(mu_);
    return index_.size();
  }
  size_t memory_bytes() const override {
    std::shared_lock lock(mu_);
    return index_.memory_usage();
  }
  size_t dimensions() const override { return index_.dimensions(); }
  VectorScalar scalar() const override { return scalar_; }
  const VectorIndexHeader& header() const override { return header_; }

  Status Save(const std::filesystem::path& path, const VectorIndexHeader& header) const override;

 private:
  Status CheckMutable() const EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!read_only_) return OkStatus();
    return FailedPreconditionError(
        "this vector index is memory-mapped from its file and cannot change; open it with "
        "VectorIndexOpenMode::kLoad");
  }

  Status Reserve(size_t wanted) EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (wanted <= index_.capacity()) return OkStatus();
    const size_t capacity = std::max({wanted, index_.capacity() * 2, kInitialCapacity});
    if (!index_.try_reserve(us::index_limits_t(capacity, kSearchSlots))) {
      return ResourceExhaustedError("not enough memory for a vector index of " +
                                    std::to_string(capacity) + " vectors");
    }
    return OkStatus();
  }

  Status AddChecked(std::span<const uint64_t> keys, std::span<const float> vectors) {
    std::unique_lock lock(mu_);
    RETURN_IF_ERROR(CheckMutable());
    try {
      RETURN_IF_ERROR(Reserve(index_.size() + keys.size()));
      const size_t threads = AddThreads(keys.size());
      if (threads > 1 && AllNew(keys)) return AddInParallel(keys, vectors, threads);
      for (size_t i = 0; i < keys.size(); ++i) {
        RETURN_IF_ERROR(AddOne(keys[i], vectors.data() + i * dimensions()));
      }
    } catch (const std::exception& e) {
      return ResourceExhaustedError(std::string("adding to the vector index failed: ") + e.what());
    }
    return OkStatus();
  }

  // Whether none of `keys` is in the index and none repeats: then they can
  // be added in any order, at once.
  bool AllNew(std::span<const uint64_t> keys) const EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (uint64_t key : keys) {
      if (index_.contains(key)) return false;
    }
    return Distinct(keys);
  }

  // Adds new, distinct keys from `threads` threads (the calling one
  // included), thread t using usearch's thread slot t; the capacity is
  // reserved. The first error of any thread is returned.
  Status AddInParallel(std::span<const uint64_t> keys, std::span<const float> vectors,
                       size_t threads) EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::atomic<size_t> next{0};
    std::vector<Status> statuses(threads);
    auto work = [&](size_t thread) {
      try {
        for (size_t i; statuses[thread].ok() && (i = next.fetch_add(1)) < keys.size();) {
          statuses[thread] = AddNew(keys[i], vectors.data() + i * dimensions(), thread);
        }
      } catch (const std::exception& e) {
        statuses[thread] =
            ResourceExhaustedError(std::string("adding to the vector index failed: ") + e.what());
      }
    };
    {
      std::vector<std::jthread> workers;
      for (size_t thread = 1; thread < threads; ++thread) workers.emplace_back(work, thread);
      work(0);
    }
    for (const Status& status : statuses) RETURN_IF_ERROR(status);
    return OkStatus();
  }

  Status AddOne(uint64_t key, const float* vector) EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (index_.contains(key)) {
      us::index_dense_t::labeling_result_t removed = index_.remove(key);
      if (removed.error) return InternalError("usearch remove failed: " + TakeError(removed.error));
    }
    return AddNew(key, vector, us::index_dense_t::any_thread());
  }

  // Adds a key the index does not hold, on usearch's thread slot `thread`.
  // mu_ is held by this thread or by the one that started it
  // (AddInParallel).
  Status AddNew(uint64_t key, const float* vector, size_t thread) EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    us::index_dense_t::add_result_t added =
        scalar_ == VectorScalar::kI8
            ? index_.add(key, QuantizeI8(vector, dimensions()).data(), thread)
            : index_.add(key, vector, thread);
    if (added.error) return InternalError("usearch add failed: " + TakeError(added.error));
    return OkStatus();
  }

  StatusOr<std::vector<VectorMatch>> SearchLocked(
      std::span<const float> query, size_t k,
      const KeyFilter& filter) const {  // mu_ held shared
    if (scalar_ == VectorScalar::kI8) {
      return Collect(index_, QuantizeI8(query.data(), dimensions()).data(), k, filter);
    }
    return Collect(index_, query.data(), k, filter);
  }

  template <typename Scalar>
  static StatusOr<std::vector<VectorMatch>> Collect(const us::index_dense_t& index,
                                                    const Scalar* query, size_t k,
                                                    const KeyFilter& filter) {
    us::index_dense_t::search_result_t result =
        filter ? index.filtered_search(query, k, [&filter](uint64_t key) { return filter(key); })
               : index.search(query, k);
    if (result.error) return InternalError("usearch search failed: " + TakeError(result.error));
    std::vector<VectorMatch> matches;
    matches.reserve(result.size());
    for (size_t i = 0; i < result.size(); ++i) {
      const auto match = result[i];
      const auto distance = static_cast<float>(match.distance);
      matches.push_back(
          {.key = match.member.key, .distance = distance, .similarity = 1 - distance});
    }
    return matches;
  }

  mutable std::shared_mutex mu_;
  us::index_dense_t index_ GUARDED_BY(mu_);
  const VectorScalar scalar_;
  const VectorIndexHeader header_;
  const bool read_only_;  // viewed from a memory-mapped file
  mutable std::counting_semaphore<kSearchSlots> searches_;
};

Status UsearchIndex::Save(const std::filesystem::path& path,
                          const VectorIndexHeader& header) const {
  if (header.embedder_id.size() > internal::kMaxEmbedderIdBytes) {
    return InvalidArgumentError("an embedder id of " + std::to_string(header.embedder_id.size()) +
                                " bytes is too long for an index file (the limit is 1024)");
  }
  std::shared_lock lock(mu_);
  internal::IndexFileHeader file_header{.dimensions = static_cast<uint32_t>(dimensions()),
                                        .scalar = scalar_,
                                        .applied_sequence = header.applied_sequence,
                                        .payload_bytes = index_.serialized_length(),
                                        .embedder_id = header.embedder_id};
  std::vector<uint8_t> head = internal::EncodeIndexHeader(file_header);
  ASSIGN_OR_RETURN(internal::AtomicFileWriter writer, internal::AtomicFileWriter::Create(path));
  RETURN_IF_ERROR(writer.Append(head));
  Sha256 hasher;
  internal::HashIndexHeader(head, hasher);
  Status write_status;
  uint64_t written = 0;
  us::serialization_result_t saved = index_.save_to_stream([&](const void* data, size_t length) {
    const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(data), length);
    hasher.Update(bytes);
    written += length;
    write_status = writer.Append(bytes);
    return write_status.ok();
  });
  RETURN_IF_ERROR(write_status);
  if (saved.error) return InternalError("usearch could not serialize: " + TakeError(saved.error));
  if (written != file_header.payload_bytes) {
    return InternalError("usearch wrote " + std::to_string(written) + " bytes, announced " +
                         std::to_string(file_header.payload_bytes));
  }
  const Digest digest = hasher.Finish();
  RETURN_IF_ERROR(writer.WriteAt(internal::kIndexChecksumOffset, digest.sha256));
  return writer.Commit();
}

Status CheckExpected(const internal::IndexFileHeader& header,
                     const VectorIndexExpectation& expected, const std::filesystem::path& path) {
  if (header.embedder_id != expected.embedder_id) {
    return FailedPreconditionError("index was built for embedder " + header.embedder_id + ", not " +
                                   expected.embedder_id + " (" + path.string() + ")");
  }
  if (header.dimensions != expected.dimensions || header.scalar != expected.scalar) {
    return FailedPreconditionError("index " + path.string() + " holds " +
                                   std::to_string(header.dimensions) + "-d " +
                                   std::string(VectorScalarName(header.scalar)) + " vectors, not " +
                                   std::to_string(expected.dimensions) + "-d " +
                                   std::string(VectorScalarName(expected.scalar)));
  }
  return OkStatus();
}

Status CheckChecksum(std::span<const uint8_t> file, const internal::IndexFileHeader& header,
                     const std::filesystem::path& path) {
  Sha256 hasher;
  internal::HashIndexHeader(file.first(header.header_bytes), hasher);
  hasher.Update(file.subspan(header.header_bytes));
  if (hasher.Finish().sha256 == header.checksum) return OkStatus();
  return InternalError("index file " + path.string() + " is corrupt: checksum mismatch");
}

// Loads (copies) or views (keeps the mapping) the payload of a checked file.
StatusOr<us::index_dense_t> ReadPayload(us::memory_mapped_file_t file, size_t offset,
                                        VectorIndexOpenMode mode,
                                        const std::filesystem::path& path) {
  us::index_dense_t index;
  us::serialization_result_t result;
  if (mode == VectorIndexOpenMode::kMemoryMap) {
    result = index.view(std::move(file), offset);
  } else {
    size_t position = offset;
    result = index.load_from_stream([&](void* out, size_t length) {
      if (file.size() - position < length) return false;
      std::memcpy(out, file.data() + position, length);
      position += length;
      return true;
    });
  }
  if (result.error) {
    return InternalError("index file " + path.string() + " is corrupt: " + TakeError(result.error));
  }
  return index;
}

StatusOr<std::unique_ptr<VectorIndex>> OpenChecked(const std::filesystem::path& path,
                                                   const VectorIndexExpectation& expected,
                                                   VectorIndexOpenMode mode) {
  const std::string path_text = path.string();
  us::memory_mapped_file_t file(path_text.c_str());
  us::serialization_result_t mapped = file.open_if_not();
  if (mapped.error) {
    return InternalError("cannot map index file " + path_text + ": " + TakeError(mapped.error));
  }
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  ASSIGN_OR_RETURN(const internal::IndexFileHeader header,
                   internal::DecodeIndexHeader(bytes, path));
  RETURN_IF_ERROR(CheckChecksum(bytes, header, path));
  RETURN_IF_ERROR(CheckExpected(header, expected, path));
  ASSIGN_OR_RETURN(us::index_dense_t index,
                   ReadPayload(std::move(file), header.header_bytes, mode, path));
  if (index.dimensions() != header.dimensions ||
      index.scalar_kind() != UsearchScalar(header.scalar)) {
    return InternalError("index file " + path_text +
                         " is corrupt: its payload disagrees with its header");
  }
  if (mode == VectorIndexOpenMode::kLoad &&
      !index.try_reserve(
          us::index_limits_t(std::max(index.size(), kInitialCapacity), kSearchSlots))) {
    return ResourceExhaustedError("not enough memory to open index " + path_text);
  }
  if (!index.try_change_metric(MetricFor(header.dimensions, header.scalar))) {
    return ResourceExhaustedError("not enough memory to open index " + path_text);
  }
  index.change_expansion_search(VectorIndexOptions().expansion_search);
  return std::unique_ptr<VectorIndex>(
      new UsearchIndex(std::move(index), header.scalar,
                       VectorIndexHeader{.embedder_id = header.embedder_id,
                                         .applied_sequence = header.applied_sequence},
                       mode == VectorIndexOpenMode::kMemoryMap));
}

}  // namespace

std::string_view VectorScalarName(VectorScalar scalar) {
  return scalar == VectorScalar::kI8 ? "i8" : "f16";
}

VectorIndex::~VectorIndex() = default;

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Create(const VectorIndexOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  const us::metric_punned_t metric = MetricFor(options.dimensions, options.scalar);
  const us::index_dense_config_t config(options.connectivity, options.expansion_add,
                                        options.expansion_search);
  try {
    us::index_dense_t::state_result_t made =
        us::index_dense_t::make(metric, config, us::default_free_value<us::default_key_t>(),
                                us::index_limits_t(kInitialCapacity, kSearchSlots));
    if (made.error) {
      return ResourceExhaustedError("cannot create a vector index: " + TakeError(made.error));
    }
    return std::unique_ptr<VectorIndex>(
        new UsearchIndex(std::move(made.index), options.scalar, VectorIndexHeader{}, false));
  } catch (const std::exception& e) {
    return ResourceExhaustedError(std::string("cannot create a vector index: ") + e.what());
  }
}

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Open(const std::filesystem::path& path,
                                                         const VectorIndexExpectation& expected,
                                                         VectorIndexOpenMode mode) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return NotFoundError("index file " + path.string() + " does not exist");
  }
  if (std::filesystem::file_size(path, error) == 0) {
    return InternalError("index file " + path.string() + " is corrupt: it is empty");
  }
  try {
    return OpenChecked(path, expected, mode);
  } catch (const std::exception& e) {
    return InternalError("index file " + path.string() + " is corrupt: " + e.what());
  }
}

}  // namespace hearth
