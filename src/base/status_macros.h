// RETURN_IF_ERROR and ASSIGN_OR_RETURN: early return on error.
//
// These keep the error path of a function one line per fallible call:
//
//   Status Index::AddFile(const std::filesystem::path& path) {
//     ASSIGN_OR_RETURN(std::string text, ReadFile(path));
//     ASSIGN_OR_RETURN(auto chunks, chunker_.Split(text));
//     RETURN_IF_ERROR(store_.Put(path.string(), chunks));
//     return OkStatus();
//   }
//
// Both work in functions returning Status or any StatusOr<U>; the error is
// returned unchanged (add context with Status::WithContext when useful).

#ifndef HEARTH_BASE_STATUS_MACROS_H_
#define HEARTH_BASE_STATUS_MACROS_H_

#include <utility>

#include "base/status.h"

// Evaluates `expr`, which must yield a Status, once; if it is not OK, returns
// it from the enclosing function. A single statement; safe in unbraced if/else.
#define RETURN_IF_ERROR(expr) \
  HEARTH_RETURN_IF_ERROR_IMPL_(HEARTH_STATUS_MACROS_CONCAT_(hearth_status_, __COUNTER__), expr)

// Evaluates `expr` (a StatusOr<T>) once. If it holds an error, returns that
// Status from the enclosing function; otherwise moves the value into `lhs`.
// `lhs` is an existing lvalue (`model`) or a declaration (`auto model`,
// `std::unique_ptr<Model> model`), which stays in scope after the macro.
//
// Limits: the macro expands to several statements, so it cannot be the body of
// an unbraced if/else/for; and a declaration whose type contains a top-level
// comma (`std::pair<int, int> p`) must use an alias or `auto`.
#define ASSIGN_OR_RETURN(lhs, ...)                                                                 \
  HEARTH_ASSIGN_OR_RETURN_IMPL_(HEARTH_STATUS_MACROS_CONCAT_(hearth_status_or_, __COUNTER__), lhs, \
                                __VA_ARGS__)

// Implementation details below.

#define HEARTH_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define HEARTH_STATUS_MACROS_CONCAT_(a, b) HEARTH_STATUS_MACROS_CONCAT_INNER_(a, b)

#define HEARTH_RETURN_IF_ERROR_IMPL_(var, expr)     \
  do {                                              \
    if (::hearth::Status var = (expr); !var.ok()) { \
      return var;                                   \
    }                                               \
  } while (false)

#define HEARTH_ASSIGN_OR_RETURN_IMPL_(var, lhs, ...) \
  auto var = (__VA_ARGS__);                          \
  if (!var.ok()) {                                   \
    return std::move(var).status();                  \
  }                                                  \
  lhs = std::move(var).value()

#endif  // HEARTH_BASE_STATUS_MACROS_H_
