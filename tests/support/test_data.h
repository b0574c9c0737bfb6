// Where the C++ tests find shared test data (real models, document corpora).
//
// HEARTH_TEST_DATA names the folder; without it, the `shared` folder beside
// the project root is used. Tests that need it skip, with a message saying
// what is missing, when it is absent, so the suite passes on a machine that
// has only the project.
#ifndef HEARTH_TESTS_SUPPORT_TEST_DATA_H_
#define HEARTH_TESTS_SUPPORT_TEST_DATA_H_

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace hearth::testing {

// The test data folder, or nullopt when it does not exist.
inline std::optional<std::filesystem::path> TestDataDir() {
  const char* from_env = std::getenv("HEARTH_TEST_DATA");
  std::filesystem::path dir = from_env != nullptr && *from_env != '\0'
                                  ? std::filesystem::path(from_env)
                                  : std::filesystem::path(HEARTH_DEFAULT_TEST_DATA);
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return std::nullopt;
  return dir;
}

// A file inside the test data folder, or nullopt when it is absent.
inline std::optional<std::filesystem::path> TestDataFile(const std::filesystem::path& relative) {
  std::optional<std::filesystem::path> dir = TestDataDir();
  if (!dir) return std::nullopt;
  std::error_code error;
  std::filesystem::path file = *dir / relative;
  if (!std::filesystem::exists(file, error)) return std::nullopt;
  return file;
}

}  // namespace hearth::testing

// Declares `var` as the path of `relative` in the test data, or skips the
// test with a clear message.
#define HEARTH_TEST_DATA_FILE_OR_SKIP(var, relative)                                   \
  const auto var##_optional = ::hearth::testing::TestDataFile(relative);               \
  if (!var##_optional) {                                                                \
    GTEST_SKIP() << "test data " << (relative)                                         \
                 << " is absent (set HEARTH_TEST_DATA to the shared folder to run this)"; \
  }                                                                                     \
  const std::filesystem::path var = *var##_optional

#endif  // HEARTH_TESTS_SUPPORT_TEST_DATA_H_
