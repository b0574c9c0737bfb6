#include "models/llama_backend.h"

#include <string>
#include <vector>

#include "base/logging.h"
#include "gtest/gtest.h"
#include "llama.h"

namespace hearth {
namespace {

TEST(LlamaBackendTest, BuildInfoNamesThePinnedRelease) {
  const LlamaBuildInfo& info = GetLlamaBuildInfo();
  EXPECT_FALSE(info.version.empty());
  EXPECT_NE(info.version, "unknown") << "scripts/setup passes the llama.cpp tag to CMake";
  EXPECT_FALSE(info.library.empty());
  // ggml reports the CPU features it was compiled for; a CPU build always has some.
  EXPECT_NE(info.system_info.find("CPU"), std::string::npos) << info.system_info;
}

TEST(LlamaBackendTest, InitIsIdempotentAndRoutesLogsIntoHearthLogging) {
  std::vector<std::string> lines;
  SetLogSinkForTesting([&lines](std::string_view line) { lines.emplace_back(line); });
  ConfigureLogging(LogOptions{.level = LogLevel::kDebug, .json = false});
  InitLlamaBackend();
  InitLlamaBackend();
  // A failing load makes llama.cpp log an error, which must arrive as ours.
  llama_model* model =
      llama_model_load_from_file("/nonexistent/hearth-test.gguf", llama_model_default_params());
  SetLogSinkForTesting(nullptr);
  ConfigureLogging(LogOptions{});
  EXPECT_EQ(model, nullptr);
  bool saw_error = false;
  for (const std::string& line : lines) {
    saw_error = saw_error || line.find("ERROR") != std::string::npos;
    EXPECT_NE(line.find("llama.cpp: "), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one record per line: " << line;
  }
  EXPECT_TRUE(saw_error) << "llama.cpp's load error did not reach hearth's log";
}

}  // namespace
}  // namespace hearth
