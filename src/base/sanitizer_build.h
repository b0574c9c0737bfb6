// Which sanitizers this translation unit is compiled with (GCC defines
// __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang answers __has_feature),
// for the few places whose behaviour a sanitizer's runtime changes: its
// shadow memory reserves terabytes of address space and is resident in the
// same process.
#ifndef HEARTH_BASE_SANITIZER_BUILD_H_
#define HEARTH_BASE_SANITIZER_BUILD_H_

namespace hearth {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kBuiltWithAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kBuiltWithAddressSanitizer = true;
#else
inline constexpr bool kBuiltWithAddressSanitizer = false;
#endif
#else
inline constexpr bool kBuiltWithAddressSanitizer = false;
#endif

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kBuiltWithThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kBuiltWithThreadSanitizer = true;
#else
inline constexpr bool kBuiltWithThreadSanitizer = false;
#endif
#else
inline constexpr bool kBuiltWithThreadSanitizer = false;
#endif

}  // namespace hearth

#endif  // HEARTH_BASE_SANITIZER_BUILD_H_
