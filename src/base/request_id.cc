#include "base/request_id.h"

#include <cstdint>
#include <random>
#include <utility>

namespace hearth {
namespace {

std::string& ThreadRequestId() {
  thread_local std::string id;
  return id;
}

std::mt19937_64& ThreadGenerator() {
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }());
  return generator;
}

}  // namespace

ScopedRequestId::ScopedRequestId(std::string id)
    : previous_(std::exchange(ThreadRequestId(), std::move(id))) {}

ScopedRequestId::~ScopedRequestId() { ThreadRequestId() = std::move(previous_); }

std::string_view CurrentRequestId() { return ThreadRequestId(); }

std::string NewRequestId() {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = ThreadGenerator()();
  std::string id(16, '0');
  for (char& digit : id) {
    digit = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

}  // namespace hearth
