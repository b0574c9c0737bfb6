#include "models/model_parameters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

TEST(ModelParametersTest, KnownParametersAreSortedAndFound) {
  std::string_view previous;
  for (const ParameterSpec& spec : KnownModelParameters()) {
    EXPECT_LT(previous, spec.name);
    EXPECT_EQ(FindModelParameter(spec.name), &spec);
    previous = spec.name;
  }
  for (const char* name : {"num_ctx", "temperature", "top_k", "top_p", "min_p", "seed",
                           "num_predict", "stop", "repeat_penalty", "repeat_last_n",
                           "presence_penalty", "frequency_penalty", "num_batch", "num_thread"}) {
    EXPECT_NE(FindModelParameter(name), nullptr) << name;
  }
  EXPECT_EQ(FindModelParameter("Temperature"), nullptr);
}

TEST(ModelParametersTest, SerializesInOllamasShape) {
  ModelParameters parameters = {{"temperature", {"0.70"}},
                                {"num_ctx", {"4096"}},
                                {"stop", {"<|eot_id|>", "</s>"}},
                                {"use_mmap", {"false"}},
                                {"repeat_penalty", {"1"}}};
  StatusOr<std::string> json = SerializeModelParameters(parameters);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"num_ctx":4096,"repeat_penalty":1,"stop":["<|eot_id|>","</s>"],)"
                   R"("temperature":0.7,"use_mmap":false})");
}

TEST(ModelParametersTest, ParsesAParamsLayerBack) {
  StatusOr<ModelParameters> parsed = ParseModelParameters(
      R"({"num_ctx":4096,"stop":["a","b"],"temperature":0.7,"use_mmap":false,"future":"x"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("num_ctx"), std::vector<std::string>{"4096"});
  EXPECT_EQ(parsed->at("stop"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->at("temperature"), std::vector<std::string>{"0.7"});
  EXPECT_EQ(parsed->at("use_mmap"), std::vector<std::string>{"false"});
  EXPECT_EQ(parsed->at("future"), std::vector<std::string>{"x"});
  ModelParameters known = *parsed;
  known.erase("future");
  EXPECT_EQ(ParseModelParameters(SerializeModelParameters(known).value()).value(), known);
}

TEST(ModelParametersTest, RefusesBadParamsLayers) {
  for (const char* json :
       {"[1,2]", "not json", R"({"a":{"b":1}})", R"({"a":[[1]]})", R"({"a":null})"}) {
    StatusOr<ModelParameters> parsed = ParseModelParameters(json);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << json;
  }
  EXPECT_FALSE(ParseModelParameters(std::string(2 << 20, ' ')).ok());
}

struct BadCase {
  ModelParameters parameters;
  const char* message;
};

TEST(ModelParametersTest, ValidationErrorsNameTheParameterAndTheValue) {
  const BadCase cases[] = {
      {{{"temprature", {"0.7"}}}, "unknown PARAMETER 'temprature'; did you mean 'temperature'?"},
      {{{"flux_capacitor", {"1"}}}, "known parameters are: frequency_penalty"},
      {{{"temperature", {"hot"}}}, "PARAMETER temperature: 'hot' is not a number"},
      {{{"num_ctx", {"2.5"}}}, "PARAMETER num_ctx: '2.5' is not a whole number"},
      {{{"num_ctx", {"0"}}}, "PARAMETER num_ctx: '0' is outside 1..16777216"},
      {{{"top_p", {"1.5"}}}, "PARAMETER top_p: '1.5' is outside 0..1"},
      {{{"use_mmap", {"maybe"}}}, "PARAMETER use_mmap: 'maybe' is not true or false"},
      {{{"temperature", {"0.1", "0.2"}}},
       "temperature is given 2 times; only stop may be repeated"},
      {{{"stop", {""}}}, "PARAMETER stop: the stop text is empty"},
      {{{"stop", std::vector<std::string>(33, "x")}}, "at most 32"},
      {{{"seed", {}}}, "PARAMETER seed has no value"},
  };
  for (const BadCase& bad : cases) {
    Status status = ValidateModelParameters(bad.parameters);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad.message;
    EXPECT_THAT(status.message(), HasSubstr(bad.message));
    EXPECT_FALSE(SerializeModelParameters(bad.parameters).ok());
  }
}

TEST(ModelParametersTest, AcceptsTheEdgesOfEachRange) {
  ModelParameters parameters = {{"top_p", {"0"}},
                                {"min_p", {"1"}},
                                {"seed", {"-1"}},
                                {"num_predict", {"-2"}},
                                {"mirostat", {"2"}}};
  EXPECT_TRUE(ValidateModelParameters(parameters).ok());
}

TEST(ModelParametersTest, MergeReplacesWholeNames) {
  ModelParameters base = {{"stop", {"a", "b"}}, {"temperature", {"0.5"}}};
  ModelParameters merged = MergeModelParameters(base, {{"stop", {"c"}}, {"top_k", {"5"}}});
  EXPECT_EQ(merged, (ModelParameters{{"stop", {"c"}}, {"temperature", {"0.5"}}, {"top_k", {"5"}}}));
}

TEST(ModelParametersTest, TypedAccessorsReadStoredValues) {
  const ModelParameters parameters = {{"num_ctx", {"4096"}}, {"temperature", {"0.25"}}};
  StatusOr<std::optional<int64_t>> num_ctx = IntegerModelParameter(parameters, "num_ctx");
  ASSERT_TRUE(num_ctx.ok()) << num_ctx.status();
  EXPECT_EQ(*num_ctx, 4096);
  StatusOr<std::optional<double>> temperature = NumberModelParameter(parameters, "temperature");
  ASSERT_TRUE(temperature.ok()) << temperature.status();
  EXPECT_EQ(*temperature, 0.25);
  StatusOr<std::optional<int64_t>> absent = IntegerModelParameter(parameters, "num_predict");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(ModelParametersTest, TypedAccessorsRefuseBadStoredValues) {
  // A params layer from a registry is not validated when it is stored.
  const ModelParameters parameters = {{"num_ctx", {"lots"}}, {"top_p", {"7"}}};
  StatusOr<std::optional<int64_t>> num_ctx = IntegerModelParameter(parameters, "num_ctx");
  EXPECT_EQ(num_ctx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(num_ctx.status().message(),
              HasSubstr("PARAMETER num_ctx: 'lots' is not a whole number"));
  StatusOr<std::optional<double>> top_p = NumberModelParameter(parameters, "top_p");
  EXPECT_THAT(top_p.status().message(), HasSubstr("is outside 0..1"));
  EXPECT_EQ(IntegerModelParameter(parameters, "temperature").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(NumberModelParameter(parameters, "stop").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
