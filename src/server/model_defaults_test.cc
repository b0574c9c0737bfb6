#include "server/model_defaults.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/ollama_requests.h"
#include "server/openai_requests.h"

namespace hearth::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const ModelParameters kModelfile = {
    {"temperature", {"0.2"}}, {"top_k", {"7"}},       {"top_p", {"0.5"}},
    {"min_p", {"0.05"}},      {"repeat_penalty", {"1.3"}}, {"repeat_last_n", {"32"}},
    {"presence_penalty", {"0.4"}}, {"frequency_penalty", {"0.6"}}, {"seed", {"42"}},
    {"num_predict", {"5"}},   {"stop", {"<|eot|>", "END"}}, {"num_ctx", {"4096"}},
    {"num_gpu", {"0"}}};

TEST(ModelDefaultsTest, TheModelsValuesAreUsedWhenTheRequestSetsNone) {
  GenerateRequest generate;
  generate.stop = {"<|im_end|>"};  // the chat template's
  ASSERT_TRUE(ApplyModelDefaults(kModelfile, {}, &generate).ok());
  EXPECT_FLOAT_EQ(generate.sampling.temperature, 0.2f);
  EXPECT_EQ(generate.sampling.top_k, 7);
  EXPECT_FLOAT_EQ(generate.sampling.top_p, 0.5f);
  EXPECT_FLOAT_EQ(generate.sampling.min_p, 0.05f);
  EXPECT_FLOAT_EQ(generate.sampling.repeat_penalty, 1.3f);
  EXPECT_EQ(generate.sampling.repeat_last_n, 32);
  EXPECT_FLOAT_EQ(generate.sampling.presence_penalty, 0.4f);
  EXPECT_FLOAT_EQ(generate.sampling.frequency_penalty, 0.6f);
  EXPECT_EQ(generate.sampling.seed, 42u);
  EXPECT_EQ(generate.max_tokens, 5);
  EXPECT_THAT(generate.stop, ElementsAre("<|im_end|>", "<|eot|>", "END"));
}

TEST(ModelDefaultsTest, TheRequestWinsOptionByOption) {
  StatusOr<OllamaGenerate> call = ParseOllamaGenerate(nlohmann::json::parse(R"({
      "model": "m", "prompt": "hi",
      "options": {"temperature": 0.9, "num_predict": 3, "stop": ["X"], "top_k": null}})"));
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_THAT(call->given_options, ElementsAre("num_predict", "stop", "temperature"));
  ASSERT_TRUE(ApplyModelDefaults(kModelfile, call->given_options, &call->generate).ok());
  EXPECT_FLOAT_EQ(call->generate.sampling.temperature, 0.9f);
  EXPECT_EQ(call->generate.max_tokens, 3);
  EXPECT_THAT(call->generate.stop, ElementsAre("X"));  // replaces the model's
  EXPECT_EQ(call->generate.sampling.top_k, 7);          // null is not set
  EXPECT_FLOAT_EQ(call->generate.sampling.top_p, 0.5f);
}

TEST(ModelDefaultsTest, OpenAiFieldsCountAsTheirOllamaOptions) {
  StatusOr<OpenAiCompletion> call = ParseOpenAiCompletion(nlohmann::json::parse(
      R"({"model": "m", "prompt": "hi", "max_tokens": 2, "temperature": 1.5, "stop": "Z"})"));
  ASSERT_TRUE(call.ok()) << call.status();
  ASSERT_TRUE(ApplyModelDefaults(kModelfile, call->given_options, &call->generate).ok());
  EXPECT_EQ(call->generate.max_tokens, 2);
  EXPECT_FLOAT_EQ(call->generate.sampling.temperature, 1.5f);
  EXPECT_THAT(call->generate.stop, ElementsAre("Z"));
  EXPECT_EQ(call->generate.sampling.top_k, 7);  // not an OpenAI field here: the model's
}

TEST(ModelDefaultsTest, NoParametersChangeNothing) {
  GenerateRequest generate;
  generate.stop = {"a"};
  ASSERT_TRUE(ApplyModelDefaults({}, {}, &generate).ok());
  GenerateRequest untouched;
  EXPECT_EQ(generate.sampling.temperature, untouched.sampling.temperature);
  EXPECT_EQ(generate.max_tokens, -1);
  EXPECT_THAT(generate.stop, ElementsAre("a"));
}

TEST(ModelDefaultsTest, UnlimitedNumPredictsMeanUntilTheContextIsFull) {
  for (const char* value : {"-1", "-2"}) {
    GenerateRequest generate;
    generate.max_tokens = 9;
    ASSERT_TRUE(ApplyModelDefaults({{"num_predict", {value}}}, {}, &generate).ok());
    EXPECT_EQ(generate.max_tokens, -1) << value;
  }
}

TEST(ModelDefaultsTest, BadStoredValuesAreRefusedAndLeaveTheRequestAsItWas) {
  // A params layer pulled from a registry is stored as it came.
  for (const ModelParameters& bad :
       {ModelParameters{{"top_k", {"7"}}, {"temperature", {"hot"}}},
        ModelParameters{{"top_k", {"7"}}, {"num_predict", {"1.5"}}},
        ModelParameters{{"top_k", {"7"}}, {"top_p", {"3"}}},
        ModelParameters{{"top_k", {"7"}}, {"stop", {""}}}}) {
    GenerateRequest generate;
    Status status = ApplyModelDefaults(bad, {}, &generate);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("the model's stored parameter is bad: PARAMETER"));
    EXPECT_EQ(generate.sampling.top_k, 40);
    EXPECT_EQ(generate.max_tokens, -1);
    EXPECT_TRUE(generate.stop.empty());
  }
  // A bad value the request overrides is never read.
  GenerateRequest generate;
  EXPECT_TRUE(ApplyModelDefaults({{"temperature", {"hot"}}}, {"temperature"}, &generate).ok());
}

}  // namespace
}  // namespace hearth::internal
