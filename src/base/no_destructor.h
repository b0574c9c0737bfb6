// NoDestructor<T>: a wrapper for function-local statics that are never
// destroyed.
//
// Process-wide singletons (the real clock, the process environment, the log
// sink) may be used by threads that are still running while static objects are
// destroyed at exit. Constructing them inside a NoDestructor keeps them valid
// until the process ends instead of tearing them down under those threads.
//
//   Clock& Clock::Real() {
//     static NoDestructor<RealClock> clock;
//     return *clock.get();
//   }
//
// Thread-safety: construction is as safe as the enclosing static's (C++
// initializes a function-local static exactly once); get() does no locking of
// its own, so T must provide whatever thread-safety its users need.

#ifndef HEARTH_BASE_NO_DESTRUCTOR_H_
#define HEARTH_BASE_NO_DESTRUCTOR_H_

#include <new>
#include <utility>

namespace hearth {

template <typename T>
class NoDestructor {
 public:
  // Constructs T in place from `args`.
  template <typename... Args>
  explicit NoDestructor(Args&&... args) {
    ::new (static_cast<void*>(storage_)) T(std::forward<Args>(args)...);
  }

  NoDestructor(const NoDestructor&) = delete;
  NoDestructor& operator=(const NoDestructor&) = delete;

  // Intentionally does not destroy the wrapped object.
  ~NoDestructor() = default;

  // Returns the wrapped object; valid for the rest of the process's life.
  T* get() { return std::launder(reinterpret_cast<T*>(storage_)); }

 private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace hearth

#endif  // HEARTH_BASE_NO_DESTRUCTOR_H_
