// Fuzzes the vector index file reader (rag/vector_index.h, rag/hnsw_index.h).
// The checksum would stop almost every mutated file at the door, so the
// target makes a valid file and then corrupts it behind the checksum:
//
//   input[0]      vectors in the index (1..64), 8-d
//   input[1]      bit 0: i8 instead of f16; bits 1..7: every how-manieth key
//                 is removed before saving (0: none)
//   input[2..]    edits of the payload, 3 bytes each: a little-endian u16
//                 offset (modulo the payload's size) and the byte to put there
//
// after which the payload size and checksum are written to match, and the
// file is opened in both modes.
// Invariants: every error is Internal ("is corrupt") or ResourceExhausted;
// an opened index's size equals its key count, every search result is a
// key it contains, in ascending distance, and saving it and opening the
// copy gives the same keys.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fuzz_checks.h"
#include "rag/vector_index.h"
#include "store/digest.h"

namespace {

using hearth::StatusCode;
using hearth::VectorIndex;
using hearth::fuzz::Check;

constexpr size_t kDims = 8;
constexpr size_t kHeaderSizeOffset = 12;
constexpr size_t kPayloadBytesOffset = 32;
constexpr size_t kChecksumOffset = 48;
constexpr size_t kChecksumBytes = 32;

std::filesystem::path TempPath(const char* name) {
  return std::filesystem::temp_directory_path() /
         ("hearth-fuzz-vector-index-" + std::to_string(getpid()) + "-" + name);
}

std::vector<uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// A saved index of `count` random vectors with every `removal_step`-th key removed.
std::vector<uint8_t> SavedIndex(size_t count, hearth::VectorScalar scalar, size_t removal_step) {
  auto index = VectorIndex::Create({.dimensions = kDims, .scalar = scalar});
  Check(index.ok());
  std::mt19937 rng(static_cast<uint32_t>(count));
  std::normal_distribution<float> normal;
  std::vector<float> vector(kDims);
  for (uint64_t key = 0; key < count; ++key) {
    for (float& value : vector) value = normal(rng);
    Check((*index)->Add(key, vector).ok());
  }
  for (uint64_t key = 0; removal_step > 0 && key < count; key += removal_step) {
    Check((*index)->Remove(key).ok());
  }
  const std::filesystem::path path = TempPath("made");
  Check((*index)->Save(path, {.embedder_id = "fuzz"}).ok());
  std::vector<uint8_t> bytes = ReadAll(path);
  std::filesystem::remove(path);
  return bytes;
}

// Applies the edits to the payload and writes the size and checksum that match.
void EditBehindTheChecksum(std::vector<uint8_t>& file, const uint8_t* edits, size_t size) {
  uint32_t header_bytes = 0;
  std::memcpy(&header_bytes, file.data() + kHeaderSizeOffset, sizeof(header_bytes));
  const size_t payload_bytes = file.size() - header_bytes;
  for (size_t i = 0; i + 3 <= size && payload_bytes > 0; i += 3) {
    const size_t offset = (edits[i] | (size_t{edits[i + 1]} << 8)) % payload_bytes;
    file[header_bytes + offset] = edits[i + 2];
  }
  const uint64_t payload = payload_bytes;
  std::memcpy(file.data() + kPayloadBytesOffset, &payload, sizeof(payload));
  std::fill_n(file.begin() + kChecksumOffset, kChecksumBytes, 0);
  hearth::Sha256 hasher;
  hasher.Update(file);
  const hearth::Digest digest = hasher.Finish();
  std::copy(digest.sha256.begin(), digest.sha256.end(), file.begin() + kChecksumOffset);
}

void CheckOpened(const VectorIndex& index, hearth::VectorScalar scalar) {
  const std::vector<uint64_t> keys = index.Keys();
  Check(keys.size() == index.size());
  const std::vector<float> query(kDims, 0.5f);
  const auto top = index.Search(query, 10);
  Check(top.ok());
  for (size_t i = 0; i < top->size(); ++i) {
    Check(index.Contains((*top)[i].key));
    Check(i == 0 || (*top)[i - 1].distance <= (*top)[i].distance);
  }
  const std::filesystem::path copy = TempPath("copy");
  Check(index.Save(copy, {.embedder_id = "fuzz"}).ok());
  auto again =
      VectorIndex::Open(copy, {.embedder_id = "fuzz", .dimensions = kDims, .scalar = scalar});
  Check(again.ok());
  Check((*again)->Keys() == keys);
  std::filesystem::remove(copy);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t count = data[0] % 64 + 1;
  const auto scalar = (data[1] & 1) != 0 ? hearth::VectorScalar::kI8 : hearth::VectorScalar::kF16;
  std::vector<uint8_t> file = SavedIndex(count, scalar, data[1] >> 1);
  EditBehindTheChecksum(file, data + 2, size - 2);
  const std::filesystem::path path = TempPath("edited");
  WriteAll(path, file);
  for (auto mode : {hearth::VectorIndexOpenMode::kLoad, hearth::VectorIndexOpenMode::kMemoryMap}) {
    auto opened = VectorIndex::Open(
        path, {.embedder_id = "fuzz", .dimensions = kDims, .scalar = scalar}, mode);
    if (opened.ok()) {
      CheckOpened(**opened, scalar);
    } else {
      Check(opened.status().code() == StatusCode::kInternal ||
            opened.status().code() == StatusCode::kResourceExhausted);
    }
  }
  std::filesystem::remove(path);
  return 0;
}
