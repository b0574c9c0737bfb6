// Thread-safety annotations, in the style of leveldb's port/thread_annotations.h.
//
// Members protected by a mutex are declared `GUARDED_BY(mu_)`; functions that
// expect a lock to be held are `EXCLUSIVE_LOCKS_REQUIRED(mu_)`. Under clang the
// macros expand to the attributes that `-Wthread-safety` checks; under other
// compilers they expand to nothing and serve as documentation.

#ifndef HEARTH_BASE_THREAD_ANNOTATIONS_H_
#define HEARTH_BASE_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define HEARTH_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define HEARTH_THREAD_ANNOTATION_(x)
#endif

#ifndef GUARDED_BY
#define GUARDED_BY(x) HEARTH_THREAD_ANNOTATION_(guarded_by(x))
#endif

#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) HEARTH_THREAD_ANNOTATION_(pt_guarded_by(x))
#endif

#ifndef EXCLUSIVE_LOCKS_REQUIRED
#define EXCLUSIVE_LOCKS_REQUIRED(...) \
  HEARTH_THREAD_ANNOTATION_(exclusive_locks_required(__VA_ARGS__))
#endif

#ifndef LOCKS_EXCLUDED
#define LOCKS_EXCLUDED(...) HEARTH_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
#endif

#endif  // HEARTH_BASE_THREAD_ANNOTATIONS_H_
