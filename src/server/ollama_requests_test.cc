// The fixed limits of the Ollama request parsers (docs/limits.md, "Fixed
// limits"): each at the limit is accepted, one over is refused naming it.
#include "server/ollama_requests.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth::internal {
namespace {

using nlohmann::json;

void ExpectRefused(const Status& status, std::string_view words) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(words), std::string::npos) << status.message();
}

json Messages(size_t count, size_t bytes_each) {
  json messages = json::array();
  for (size_t i = 0; i < count; ++i) {
    messages.push_back({{"role", "user"}, {"content", std::string(bytes_each, 'm')}});
  }
  return messages;
}

TEST(OllamaRequestLimits, PromptAndSystemTogetherUpToTheLimit) {
  const std::string half(kMaxPromptBytes / 2, 'p');
  EXPECT_TRUE(ParseOllamaGenerate({{"model", "m"}, {"prompt", half}, {"system", half}}).ok());
  ExpectRefused(ParseOllamaGenerate({{"model", "m"}, {"prompt", half + "p"}, {"system", half}})
                    .status(),
                "4 MiB");
}

TEST(OllamaRequestLimits, ChatMessagesCountAndTextUpToTheLimits) {
  EXPECT_TRUE(ParseOllamaChat({{"model", "m"}, {"messages", Messages(kMaxChatMessages, 1)}}).ok());
  ExpectRefused(
      ParseOllamaChat({{"model", "m"}, {"messages", Messages(kMaxChatMessages + 1, 1)}}).status(),
      std::to_string(kMaxChatMessages));
  const size_t each = kMaxPromptBytes / 4;
  EXPECT_TRUE(ParseOllamaChat({{"model", "m"}, {"messages", Messages(4, each)}}).ok());
  json over = Messages(4, each);
  over[0]["content"] = std::string(each + 1, 'm');
  ExpectRefused(ParseOllamaChat({{"model", "m"}, {"messages", over}}).status(), "4 MiB");
}

TEST(OllamaRequestLimits, EmbedInputsCountAndTextUpToTheLimits) {
  const json at_count(kMaxEmbedInputs, "x");
  EXPECT_TRUE(ParseOllamaEmbed({{"model", "m"}, {"input", at_count}}).ok());
  const json over_count(kMaxEmbedInputs + 1, "x");
  ExpectRefused(ParseOllamaEmbed({{"model", "m"}, {"input", over_count}}).status(),
                std::to_string(kMaxEmbedInputs));
  const std::string at_size(kMaxPromptBytes, 'e');
  EXPECT_TRUE(ParseOllamaEmbed({{"model", "m"}, {"input", at_size}}).ok());
  ExpectRefused(ParseOllamaEmbed({{"model", "m"}, {"input", at_size + "e"}}).status(), "4 MiB");
  EXPECT_TRUE(ParseOllamaLegacyEmbeddings({{"model", "m"}, {"prompt", at_size}}).ok());
  ExpectRefused(ParseOllamaLegacyEmbeddings({{"model", "m"}, {"prompt", at_size + "e"}}).status(),
                "4 MiB");
}

TEST(OllamaRequestLimits, StopStringsUpToTheLimit) {
  const json at(kMaxStopStrings, "s");
  EXPECT_TRUE(ParseOllamaGenerate({{"model", "m"}, {"prompt", "p"}, {"options", {{"stop", at}}}})
                  .ok());
  const json over(kMaxStopStrings + 1, "s");
  ExpectRefused(
      ParseOllamaGenerate({{"model", "m"}, {"prompt", "p"}, {"options", {{"stop", over}}}}).status(),
      std::to_string(kMaxStopStrings));
}

}  // namespace
}  // namespace hearth::internal
