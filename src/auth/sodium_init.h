// Internal to auth/: libsodium's one-time global setup.
#ifndef HEARTH_AUTH_SODIUM_INIT_H_
#define HEARTH_AUTH_SODIUM_INIT_H_

namespace hearth::internal {

// Calls sodium_init() once per process (thread-safe: a function-local
// static). Aborts when libsodium cannot initialize, because every secret
// auth/ makes would then come from an unusable source of randomness.
void EnsureSodiumInitialized();

}  // namespace hearth::internal

#endif  // HEARTH_AUTH_SODIUM_INIT_H_
