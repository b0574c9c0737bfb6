#include "rag/vector_index.h"

#include <exception>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "rag/hnsw_index.h"
#include "rag/vector_index_file.h"
#include "store/digest.h"
#include "usearch/index.hpp"

namespace hearth {
namespace {

namespace us = unum::usearch;

constexpr size_t kMaxDimensions = 16384;

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
  return internal::CorruptIndexError(path, "checksum mismatch");
}

StatusOr<std::unique_ptr<VectorIndex>> OpenChecked(const std::filesystem::path& path,
                                                   const VectorIndexExpectation& expected,
                                                   VectorIndexOpenMode mode) {
  const std::string path_text = path.string();
  us::memory_mapped_file_t file(path_text.c_str());
  us::serialization_result_t mapped = file.open_if_not();
  if (mapped.error) {
    return InternalError("cannot map index file " + path_text + ": " + internal::TakeUsearchError(mapped.error));
  }
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  ASSIGN_OR_RETURN(const internal::IndexFileHeader header,
                   internal::DecodeIndexHeader(bytes, path));
  RETURN_IF_ERROR(CheckChecksum(bytes, header, path));
  RETURN_IF_ERROR(CheckExpected(header, expected, path));
  ASSIGN_OR_RETURN(std::unique_ptr<internal::HnswIndex> index,
                   internal::HnswIndex::Open(
                       std::move(file), header.header_bytes, header.dimensions, header.scalar,
                       VectorIndexHeader{.embedder_id = header.embedder_id,
                                         .applied_sequence = header.applied_sequence},
                       mode, path));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

}  // namespace

std::string_view VectorScalarName(VectorScalar scalar) {
  return scalar == VectorScalar::kI8 ? "i8" : "f16";
}

VectorIndex::~VectorIndex() = default;

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Create(const VectorIndexOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(std::unique_ptr<internal::HnswIndex> index,
                   internal::HnswIndex::Create(options));
  return std::unique_ptr<VectorIndex>(std::move(index));
}

StatusOr<std::unique_ptr<VectorIndex>> VectorIndex::Open(const std::filesystem::path& path,
                                                         const VectorIndexExpectation& expected,
                                                         VectorIndexOpenMode mode) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return NotFoundError("index file " + path.string() + " does not exist");
  }
  if (std::filesystem::file_size(path, error) == 0) {
    return internal::CorruptIndexError(path, "it is empty");
  }
  try {
    return OpenChecked(path, expected, mode);
  } catch (const std::exception& e) {
    return internal::CorruptIndexError(path, e.what());
  }
}

}  // namespace hearth
