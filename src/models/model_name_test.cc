#include "models/model_name.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

namespace hearth {
namespace {

using ::testing::HasSubstr;

ModelName Parse(std::string_view text) {
  StatusOr<ModelName> name = ParseModelName(text);
  EXPECT_TRUE(name.ok()) << name.status();
  return name.ok() ? *std::move(name) : ParseModelName("invalid-name-placeholder").value();
}

// Expects `text` to be rejected with InvalidArgument, a message that quotes
// it, and `reason` in the message.
void ExpectRejected(std::string_view text, std::string_view reason) {
  SCOPED_TRACE(::testing::PrintToString(std::string(text)));
  const StatusOr<ModelName> name = ParseModelName(text);
  ASSERT_FALSE(name.ok()) << "accepted as " << name->FullName();
  EXPECT_EQ(name.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(name.status().message(), HasSubstr("invalid model name '"));
  EXPECT_THAT(name.status().message(), HasSubstr(std::string(reason)));
}

struct GoodName {
  const char* input;
  const char* full;
  const char* display;
};

TEST(ModelNameTest, GoodNamesAndTheirNormalForms) {
  const GoodName cases[] = {
      {"llama3.2", "registry.ollama.ai/library/llama3.2:latest", "llama3.2:latest"},
      {"llama3.2:1b", "registry.ollama.ai/library/llama3.2:1b", "llama3.2:1b"},
      {"myns/foo:tag", "registry.ollama.ai/myns/foo:tag", "myns/foo:tag"},
      {"library/foo", "registry.ollama.ai/library/foo:latest", "foo:latest"},
      {"registry.ollama.ai/library/qwen2.5:0.5b-instruct-q4_K_M",
       "registry.ollama.ai/library/qwen2.5:0.5b-instruct-q4_K_M", "qwen2.5:0.5b-instruct-q4_K_M"},
      {"example.com/team/foo", "example.com/team/foo:latest", "example.com/team/foo:latest"},
      {"example.com/library/foo", "example.com/library/foo:latest",
       "example.com/library/foo:latest"},
      {"localhost:5000/team/foo:v1", "localhost:5000/team/foo:v1", "localhost:5000/team/foo:v1"},
      {"_private/_model:_t", "registry.ollama.ai/_private/_model:_t", "_private/_model:_t"},
      {"a", "registry.ollama.ai/library/a:latest", "a:latest"},
      {"nomic-embed-text:v1.5", "registry.ollama.ai/library/nomic-embed-text:v1.5",
       "nomic-embed-text:v1.5"},
  };
  for (const GoodName& c : cases) {
    SCOPED_TRACE(c.input);
    const ModelName name = Parse(c.input);
    EXPECT_EQ(name.FullName(), c.full);
    EXPECT_EQ(name.DisplayName(), c.display);
    EXPECT_EQ(Parse(name.FullName()).FullName(), c.full);  // the full form parses to itself
    EXPECT_EQ(Parse(name.DisplayName()).FullName(), c.full);
  }
}

TEST(ModelNameTest, PartsAndManifestPath) {
  const ModelName name = Parse("Example.COM:8080/Team/Llama3:Q4_K_M");
  EXPECT_EQ(name.host(), "Example.COM:8080");
  EXPECT_EQ(name.namespace_name(), "Team");
  EXPECT_EQ(name.model(), "Llama3");
  EXPECT_EQ(name.tag(), "Q4_K_M");
  EXPECT_EQ(name.ManifestPathParts(),
            (std::array<std::string, 4>{"example.com:8080", "team", "llama3", "q4_k_m"}));
  EXPECT_EQ(name.ManifestPath(), "manifests/example.com:8080/team/llama3/q4_k_m");
  EXPECT_EQ(Parse("llama3.2").ManifestPath(),
            "manifests/registry.ollama.ai/library/llama3.2/latest");
}

TEST(ModelNameTest, CaseIsKeptForDisplayAndIgnoredForComparison) {
  const ModelName upper = Parse("Llama3:Q4");
  const ModelName lower = Parse("llama3:q4");
  EXPECT_EQ(upper.DisplayName(), "Llama3:Q4");
  EXPECT_EQ(upper, lower);
  EXPECT_EQ(upper.Key(), lower.Key());
  EXPECT_EQ(upper.ManifestPath(), lower.ManifestPath());
  EXPECT_FALSE(upper == Parse("llama3:q5"));
  EXPECT_EQ(Parse("REGISTRY.OLLAMA.AI/LIBRARY/foo").DisplayName(), "foo:latest");
}

TEST(ModelNameTest, HuggingFaceRepositories) {
  const ModelName name = Parse("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M");
  EXPECT_TRUE(name.IsHuggingFace());
  EXPECT_EQ(name.host(), "hf.co");
  EXPECT_EQ(name.namespace_name(), "bartowski");
  EXPECT_EQ(name.model(), "Llama-3.2-1B-Instruct-GGUF");
  EXPECT_EQ(name.tag(), "Q4_K_M");
  EXPECT_EQ(name.DisplayName(), "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M");
  EXPECT_TRUE(Parse("huggingface.co/org/repo").IsHuggingFace());
  EXPECT_EQ(Parse("HF.co/org/repo").tag(), "latest");
  EXPECT_FALSE(Parse("llama3.2").IsHuggingFace());
  ExpectRejected("hf.co/repo", "a host needs a namespace after it");
  ExpectRejected("https://hf.co/org/repo", "leave out the URL scheme");
}

TEST(ModelNameTest, RejectsPathTraversal) {
  ExpectRejected("../x", "the namespace '..' must start with a letter, digit or '_'");
  ExpectRejected("a/../../b", "4 '/'-separated parts");
  ExpectRejected("..", "must start with a letter");
  ExpectRejected(".", "must start with a letter");
  ExpectRejected("a/..", "the model '..' must start");
  ExpectRejected("x:..", "the tag '..' must start");
  ExpectRejected("x:a..b", "the tag 'a..b' contains '..'");
  ExpectRejected("a..b", "contains '..'");
  ExpectRejected("h..x/ns/m", "the host 'h..x' contains '..'");
  ExpectRejected("/etc/passwd", "the host is empty");
  ExpectRejected("%2e%2e/x", "the namespace '%2e%2e' must start with a letter");
  ExpectRejected("%2e%2e%2fetc", "must start with a letter");
  ExpectRejected("x%2e%2e%2fetc", "the model 'x%2e%2e%2fetc' contains the character '%'");
  ExpectRejected("a\\..\\b", "the character '\\\\'");
  ExpectRejected("a/b/c/d/e", "5 '/'-separated parts");
}

TEST(ModelNameTest, RejectsMisplacedSeparatorsAndEmptyParts) {
  ExpectRejected("", "it is empty");
  ExpectRejected("a:b:c", "the model 'a:b' contains the character ':'");
  ExpectRejected("a:b:c", "':' comes once, before the tag");
  ExpectRejected("x:", "the tag is empty");
  ExpectRejected(":tag", "the model is empty");
  ExpectRejected("/x", "the namespace is empty");
  ExpectRejected("x/", "the model is empty");
  ExpectRejected("a//b", "the namespace is empty");
  ExpectRejected("//b", "the host is empty");
  ExpectRejected("localhost:5000/foo", "a host needs a namespace after it");
  ExpectRejected("my.ns/foo", "namespaces may contain only letters, digits, '_' and '-'");
  ExpectRejected("host:/ns/m", "the host's port '' is not a number");
  ExpectRejected("host:0/ns/m", "port '0'");
  ExpectRejected("host:65536/ns/m", "port '65536'");
  ExpectRejected("host:1:2/ns/m", "port '1:2'");
  ExpectRejected(":5000/ns/m", "the host before the port is empty");
  ExpectRejected("foo@sha256-abc", "the character '@'");
  ExpectRejected("-foo", "must start with a letter, digit or '_'");
  ExpectRejected("foo:-tag", "the tag '-tag' must start");
  ExpectRejected("foo bar", "the character ' '");
}

TEST(ModelNameTest, RejectsOverlongNamesAndParts) {
  ExpectRejected(std::string(300, 'a'), "the model is 300 bytes long; the limit is 80");
  ExpectRejected("x:" + std::string(81, 't'), "the tag is 81 bytes long; the limit is 80");
  ExpectRejected(std::string(81, 'n') + "/m", "the namespace is 81 bytes long");
  ExpectRejected(std::string(256, 'h') + "/n/m", "the host is 256 bytes long; the limit is 255");
  ExpectRejected(std::string(499, 'a'), "it is 499 bytes long; the limit is 498");
  ExpectRejected(std::string(100000, '/'), "100000 bytes long");
  // The limits themselves are fine.
  const std::string longest = std::string(255, 'h') + "/" + std::string(80, 'n') + "/" +
                              std::string(80, 'm') + ":" + std::string(80, 't');
  EXPECT_EQ(Parse(longest).FullName(), longest);
}

TEST(ModelNameTest, RejectsControlCharactersAndNonAscii) {
  ExpectRejected(std::string("foo\0bar", 7), "the control character '\\x00'");
  ExpectRejected("foo\nbar", "the control character '\\n'");
  ExpectRejected("foo\x1b[31m", "the control character '\\x1b'");
  ExpectRejected("foo\x7f", "the control character '\\x7f'");
  ExpectRejected("llam\xd0\xb0", "the non-ASCII byte");                 // Cyrillic a
  ExpectRejected("\xef\xbd\x8c\xef\xbd\x8c\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x81",  // fullwidth llama
                 "must start with a letter");
  ExpectRejected("a\xe2\x88\x95..\xe2\x88\x95x", "the non-ASCII byte");  // division slash
  ExpectRejected("a\xef\xbc\x8f\x62", "the non-ASCII byte");             // fullwidth solidus
  ExpectRejected("foo\xff", "the non-ASCII byte '\\xff'");
}

TEST(ModelNameTest, MessagesAreOneEscapedLine) {
  const StatusOr<ModelName> name = ParseModelName("evil\n\x1b]0;title\x07/x");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(name.status().message().find('\x1b'), std::string::npos);
  EXPECT_THAT(name.status().message(), HasSubstr("'evil\\n\\x1b]0;title\\x07/x'"));
}

}  // namespace
}  // namespace hearth
