// Quantizing a real model in a real worker process (`hearth quantize-worker`)
// and what is refused; stand-in workers (a shell script) fail in the ways a
// worker can, and nothing is left behind.
#include "models/quantizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "llama-cpp.h"
#include "models/gguf_file.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;

class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() /
              ("hearth-quantizer-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  // The names of the files in the folder.
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

 private:
  std::filesystem::path path_;
};

QuantizeOptions Options(QuantizationType type, bool allow_requantize = false) {
  return QuantizeOptions{.type = type,
                         .allow_requantize = allow_requantize,
                         .threads = 2,
                         .worker_command = {HEARTH_BINARY, "quantize-worker"}};
}

// A worker that runs `script` under sh with the worker's flags as $1, $2, ...
QuantizeOptions ScriptWorker(const std::string& script) {
  QuantizeOptions options = Options(QuantizationType::kQ8_0);
  options.worker_command = {"/bin/sh", "-c", script, "worker"};
  return options;
}

// Writes "partial" to the --out path, as a worker that died mid-way would.
constexpr char kWritePartialOutput[] =
    "while [ $# -gt 0 ]; do if [ \"$1\" = --out ]; then echo partial > \"$2\"; fi; shift; done; ";

std::vector<llama_token> Tokenize(const llama_vocab* vocab, const std::string& text) {
  std::vector<llama_token> tokens(text.size() + 8);
  const int n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                               static_cast<int32_t>(tokens.size()), true, false);
  tokens.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return tokens;
}

// The first `count` tokens `path` generates greedily after `prompt`.
std::vector<llama_token> GreedyTokens(const std::filesystem::path& path, const std::string& prompt,
                                      int count) {
  llama_backend_init();
  llama_log_set([](ggml_log_level, const char*, void*) {}, nullptr);
  llama_model_ptr model(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
  if (model == nullptr) return {};
  llama_context_params params = llama_context_default_params();
  params.n_ctx = 128;
  params.n_threads = params.n_threads_batch = 2;
  llama_context_ptr context(llama_init_from_model(model.get(), params));
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  std::vector<llama_token> input = Tokenize(vocab, prompt);
  llama_sampler_ptr sampler(llama_sampler_init_greedy());
  std::vector<llama_token> output;
  llama_batch batch = llama_batch_get_one(input.data(), static_cast<int32_t>(input.size()));
  llama_token next = 0;
  for (int i = 0; i < count; ++i) {
    if (llama_decode(context.get(), batch) != 0) break;
    next = llama_sampler_sample(sampler.get(), context.get(), -1);
    output.push_back(next);
    batch = llama_batch_get_one(&next, 1);
  }
  return output;
}

TEST(QuantizerTest, Q8_0OfStoriesGeneratesTheSameFirst16TokensGreedily) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  const std::filesystem::path output = dir.path() / "stories-q8_0.gguf";
  StatusOr<QuantizeReport> report = QuantizeFile(source, output, Options(QuantizationType::kQ8_0));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->bytes_before, std::filesystem::file_size(source));
  EXPECT_EQ(report->bytes_after, std::filesystem::file_size(output));
  EXPECT_LT(report->bytes_after, report->bytes_before);
  EXPECT_EQ(report->source_file_type, "F32");
  EXPECT_EQ(report->result_file_type, "Q8_0");
  EXPECT_GT(report->tensors_quantized, 0u);
  EXPECT_LE(report->tensors_quantized, report->tensors_total);

  const std::vector<llama_token> original = GreedyTokens(source, "Once upon a time", 16);
  const std::vector<llama_token> quantized = GreedyTokens(output, "Once upon a time", 16);
  ASSERT_EQ(original.size(), 16u);
  EXPECT_EQ(quantized, original);
}

TEST(QuantizerTest, KQuantFallbacksAreReportedAndMatchTheFile) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  const std::filesystem::path output = dir.path() / "stories-q4_K_M.gguf";
  StatusOr<QuantizeReport> report = QuantizeFile(source, output, Options(QuantizationType::kQ4_K_M));
  ASSERT_TRUE(report.ok()) << report.status();
  // stories260K's rows (64 and 172 wide) are shorter than a K-quant block of 256.
  ASSERT_FALSE(report->fallbacks.empty());
  StatusOr<GgufSummary> result = ReadGgufFile(output);
  ASSERT_TRUE(result.ok());
  for (const TensorFallback& fallback : report->fallbacks) {
    EXPECT_THAT(fallback.requested, ::testing::StartsWith("q")) << fallback.tensor;
    const auto tensor = std::find_if(result->tensors.begin(), result->tensors.end(),
                                     [&](const GgufTensorInfo& t) { return t.name == fallback.tensor; });
    ASSERT_NE(tensor, result->tensors.end()) << fallback.tensor;
    EXPECT_EQ(FindGgmlType(tensor->type)->name, fallback.used) << fallback.tensor;
  }
}

TEST(QuantizerTest, RequantizingIsRefusedUnlessAllowed) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  const std::filesystem::path q8 = dir.path() / "q8.gguf";
  ASSERT_TRUE(QuantizeFile(source, q8, Options(QuantizationType::kQ8_0)).ok());
  const std::filesystem::path q4 = dir.path() / "q4.gguf";
  StatusOr<QuantizeReport> refused = QuantizeFile(q8, q4, Options(QuantizationType::kQ4_0));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("already quantized (file type Q8_0"));
  EXPECT_THAT(refused.status().message(), HasSubstr("--allow-requantize"));
  EXPECT_FALSE(std::filesystem::exists(q4));

  StatusOr<QuantizeReport> allowed = QuantizeFile(q8, q4, Options(QuantizationType::kQ4_0, true));
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->result_file_type, "Q4_0");
}

TEST(QuantizerTest, RefusesATypeThatIsNotATarget) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  StatusOr<QuantizeReport> report =
      QuantizeFile(source, dir.path() / "out.gguf", Options(QuantizationType::kF16));
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("q4_0, q4_K_M, q5_K_M, q6_K, q8_0"));
  EXPECT_TRUE(dir.Files().empty());
}

TEST(QuantizerTest, RefusesAnInvalidSourceBeforeStartingAWorker) {
  ScratchDir dir;
  const std::filesystem::path source = dir.path() / "not-a-model.gguf";
  std::ofstream(source) << "this is not GGUF";
  // The stand-in worker would leave a file if it ran.
  StatusOr<QuantizeReport> report = QuantizeFile(source, dir.path() / "out.gguf",
                                                 ScriptWorker(std::string(kWritePartialOutput)));
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(dir.Files(), std::vector<std::string>{"not-a-model.gguf"});
}

TEST(QuantizerTest, AFailedWorkerLeavesNothingAndSaysWhy) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  const std::filesystem::path output = dir.path() / "out.gguf";
  StatusOr<QuantizeReport> report = QuantizeFile(
      source, output,
      ScriptWorker(std::string(kWritePartialOutput) + "echo 'llama.cpp: disk on fire' >&2; exit 3"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInternal);
  EXPECT_THAT(report.status().message(), HasSubstr("exited with status 3"));
  EXPECT_THAT(report.status().message(), HasSubstr("disk on fire"));
  EXPECT_TRUE(dir.Files().empty());
}

TEST(QuantizerTest, AKilledWorkerLeavesNothing) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  StatusOr<QuantizeReport> report = QuantizeFile(
      source, dir.path() / "out.gguf", ScriptWorker(std::string(kWritePartialOutput) + "kill -9 $$"));
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("signal 9"));
  EXPECT_TRUE(dir.Files().empty());
}

TEST(QuantizerTest, ACancelledQuantizationStopsTheWorkerAndLeavesNothing) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  QuantizeOptions options = ScriptWorker(std::string(kWritePartialOutput) + "exec sleep 600");
  int asked = 0;
  options.cancelled = [&asked] { return ++asked >= 3; };  // the client leaves after ~0.5 s
  // A worker that was waited for instead of stopped would hold the test
  // for 10 minutes, past ctest's timeout.
  StatusOr<QuantizeReport> report = QuantizeFile(source, dir.path() / "out.gguf", options);
  EXPECT_EQ(report.status().code(), StatusCode::kCancelled) << report.status();
  EXPECT_EQ(asked, 3);
  EXPECT_TRUE(dir.Files().empty()) << "the partial output is removed";
}

TEST(QuantizerTest, AWorkerThatWritesGarbageLeavesNothing) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  StatusOr<QuantizeReport> report = QuantizeFile(source, dir.path() / "out.gguf",
                                                 ScriptWorker(std::string(kWritePartialOutput)));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInternal);
  EXPECT_THAT(report.status().message(), HasSubstr("invalid file"));
  EXPECT_TRUE(dir.Files().empty());
}

TEST(QuantizerTest, NeverOverwritesAnExistingDestination) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(source, "models/stories260K.gguf");
  ScratchDir dir;
  const std::filesystem::path output = dir.path() / "taken.gguf";
  std::ofstream(output) << "keep me";
  StatusOr<QuantizeReport> report = QuantizeFile(source, output, Options(QuantizationType::kQ8_0));
  EXPECT_EQ(report.status().code(), StatusCode::kAlreadyExists);
  std::ifstream kept(output);
  std::string text((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "keep me");
}

}  // namespace
}  // namespace hearth
