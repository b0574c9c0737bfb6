#include "auth/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace hearth::internal {

void EnsureSodiumInitialized() {
  // sodium_init() returns 0 the first time, 1 when already done, -1 on failure.
  static const bool initialized = sodium_init() >= 0;
  if (!initialized) {
    std::fputs("hearth: libsodium failed to initialize; refusing to create secrets\n", stderr);
    std::abort();
  }
}

}  // namespace hearth::internal
