#include "server/ollama_admin_requests.h"

#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

constexpr char kDigest[] = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

TEST(OllamaAdminRequests, CreateFromInstalledModelWithOverrides) {
  StatusOr<OllamaCreate> call = ParseOllamaCreate(json{
      {"model", "mine"},
      {"from", "stories"},
      {"system", "Be brief."},
      {"license", json::array({"MIT", "extra"})},
      {"parameters", {{"temperature", 0.5}, {"stop", json::array({"a", "b"})}, {"num_ctx", 64}}},
      {"stream", false}});
  ASSERT_TRUE(call.ok()) << call.status().message();
  EXPECT_EQ(call->model.DisplayName(), "mine:latest");
  ASSERT_TRUE(call->from.has_value());
  EXPECT_EQ(call->from->DisplayName(), "stories:latest");
  EXPECT_FALSE(call->model_blob.has_value());
  EXPECT_EQ(call->spec.system, "Be brief.");
  EXPECT_EQ(call->spec.license, "MIT\nextra");
  EXPECT_EQ(call->spec.parameters.at("temperature"), std::vector<std::string>{"0.5"});
  EXPECT_EQ(call->spec.parameters.at("stop"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(call->spec.parameters.at("num_ctx"), std::vector<std::string>{"64"});
  EXPECT_FALSE(call->stream);
}

TEST(OllamaAdminRequests, CreateFromOneGgufFile) {
  StatusOr<OllamaCreate> call =
      ParseOllamaCreate(json{{"model", "x"}, {"files", {{"model.gguf", kDigest}}}});
  ASSERT_TRUE(call.ok()) << call.status().message();
  ASSERT_TRUE(call->model_blob.has_value());
  EXPECT_EQ(call->model_blob->ToString(), kDigest);
  EXPECT_TRUE(call->stream);
}

TEST(OllamaAdminRequests, CreateRefusesBadInput) {
  const json cases[] = {
      json{{"from", "stories"}},                                        // no name
      json{{"model", "../../etc"}, {"from", "stories"}},                // traversal
      json{{"model", "x"}},                                             // no source
      json{{"model", "x"}, {"from", "a"}, {"files", {{"m.gguf", kDigest}}}},  // both
      json{{"model", "x"}, {"files", {{"m.gguf", "sha256:xyz"}}}},      // bad digest
      json{{"model", "x"}, {"files", {{"m.bin", kDigest}}}},            // not gguf
      json{{"model", "x"}, {"files", json::array()}},                   // wrong type
      json{{"model", "x"}, {"from", "a"}, {"parameters", {{"stop", {{"k", 1}}}}}},
      json{{"model", "x"}, {"from", "a"}, {"system", 5}},
      json{{"model", "x"}, {"from", "a"}, {"stream", "yes"}},
      json{{"model", "x"}, {"modelfile", "FROM a"}},
  };
  for (const json& body : cases) {
    StatusOr<OllamaCreate> call = ParseOllamaCreate(body);
    EXPECT_EQ(call.status().code(), StatusCode::kInvalidArgument) << body.dump();
  }
}

TEST(OllamaAdminRequests, CreateAcceptsNullLegacyFields) {
  // Clients send the fields they do not use as null; null means "not given".
  StatusOr<OllamaCreate> call = ParseOllamaCreate(json{{"model", "x"},
                                                       {"from", "a"},
                                                       {"modelfile", nullptr},
                                                       {"quantize", nullptr},
                                                       {"adapters", nullptr}});
  ASSERT_TRUE(call.ok()) << call.status().message();
  EXPECT_EQ(call->from->DisplayName(), "a:latest");
}

TEST(OllamaAdminRequests, CreateReadsQuantizeInAnyCase) {
  StatusOr<OllamaCreate> call =
      ParseOllamaCreate(json{{"model", "x"}, {"from", "a"}, {"quantize", "Q4_K_M"}});
  ASSERT_TRUE(call.ok()) << call.status().message();
  ASSERT_TRUE(call->quantize.has_value());
  EXPECT_EQ(*call->quantize, QuantizationType::kQ4_K_M);
  EXPECT_FALSE(ParseOllamaCreate(json{{"model", "x"}, {"from", "a"}})->quantize.has_value());
}

TEST(OllamaAdminRequests, CreateRefusesAnUnknownQuantizeTypeNamingTheChoices) {
  for (const json& value : {json("q3"), json("f16"), json(4), json("")}) {
    StatusOr<OllamaCreate> call =
        ParseOllamaCreate(json{{"model", "x"}, {"from", "a"}, {"quantize", value}});
    EXPECT_EQ(call.status().code(), StatusCode::kInvalidArgument) << value.dump();
    EXPECT_NE(call.status().message().find("quantize"), std::string::npos) << value.dump();
  }
}

TEST(OllamaAdminRequests, CopyNeedsBothNames) {
  EXPECT_TRUE(ParseOllamaCopy(json{{"source", "a"}, {"destination", "b"}}).ok());
  EXPECT_FALSE(ParseOllamaCopy(json{{"source", "a"}}).ok());
  EXPECT_FALSE(ParseOllamaCopy(json{{"source", "a"}, {"destination", 3}}).ok());
  EXPECT_FALSE(ParseOllamaCopy(json{{"source", "a"}, {"destination", "x/../../y"}}).ok());
}

TEST(OllamaAdminRequests, ShowAndPullAcceptTheOlderNameField) {
  StatusOr<OllamaShow> show = ParseOllamaShow(json{{"name", "stories"}});
  ASSERT_TRUE(show.ok()) << show.status().message();
  EXPECT_EQ(show->model.DisplayName(), "stories:latest");
  StatusOr<OllamaPull> pull = ParseOllamaPull(json{{"name", "llama3.2:1b"}, {"stream", false}});
  ASSERT_TRUE(pull.ok()) << pull.status().message();
  EXPECT_EQ(pull->model, "llama3.2:1b");
  EXPECT_FALSE(pull->stream);
  EXPECT_FALSE(ParseOllamaPull(json{{"model", 7}}).ok());
  EXPECT_FALSE(ParseOllamaShow(json::object()).ok());
}

TEST(OllamaAdminRequests, PullTakesInsecureAsABoolean) {
  StatusOr<OllamaPull> plain = ParseOllamaPull(json{{"model", "tiny"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->insecure);
  StatusOr<OllamaPull> insecure = ParseOllamaPull(json{{"model", "tiny"}, {"insecure", true}});
  ASSERT_TRUE(insecure.ok());
  EXPECT_TRUE(insecure->insecure);
  StatusOr<OllamaPull> wrong = ParseOllamaPull(json{{"model", "tiny"}, {"insecure", "yes"}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "\"insecure\" must be true or false");
}

}  // namespace
}  // namespace hearth::internal
