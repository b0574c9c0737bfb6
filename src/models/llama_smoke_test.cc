// The pinned llama.cpp, as linked into hearth, runs a real trained model:
// the tiny TinyStories llama from the shared test data.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "llama-cpp.h"
#include "models/llama_backend.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

std::vector<llama_token> Tokenize(const llama_vocab* vocab, const std::string& text) {
  std::vector<llama_token> tokens(text.size() + 8);
  int n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                         static_cast<int32_t>(tokens.size()), /*add_special=*/true,
                         /*parse_special=*/false);
  tokens.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return tokens;
}

std::string Piece(const llama_vocab* vocab, llama_token token) {
  char buffer[128];
  int n = llama_token_to_piece(vocab, token, buffer, sizeof buffer, 0, false);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

TEST(LlamaSmokeTest, TinyStoriesContinuesAStoryGreedily) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  InitLlamaBackend();
  llama_model_ptr model(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(llama_model_n_params(model.get()), 292800u);

  llama_context_params params = llama_context_default_params();
  params.n_ctx = 128;
  params.n_threads = 2;
  llama_context_ptr context(llama_init_from_model(model.get(), params));
  ASSERT_NE(context, nullptr);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  std::vector<llama_token> prompt = Tokenize(vocab, "Once upon a time");
  ASSERT_GT(prompt.size(), 1u);

  llama_sampler_ptr sampler(llama_sampler_init_greedy());
  std::string story;
  llama_batch batch = llama_batch_get_one(prompt.data(), static_cast<int32_t>(prompt.size()));
  llama_token next = 0;
  for (int i = 0; i < 16; ++i) {
    ASSERT_EQ(llama_decode(context.get(), batch), 0);
    next = llama_sampler_sample(sampler.get(), context.get(), -1);
    if (llama_vocab_is_eog(vocab, next)) break;
    story += Piece(vocab, next);
    batch = llama_batch_get_one(&next, 1);
  }
  // A trained model continues with words; random weights would give noise
  // that is rarely this long without an end token. Greedy is deterministic.
  EXPECT_GE(story.size(), 20u) << story;
  EXPECT_NE(story.find(' '), std::string::npos) << story;
}

}  // namespace
}  // namespace hearth
