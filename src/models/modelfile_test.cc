#include "models/modelfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ModelfileTest, ParsesEveryInstruction) {
  StatusOr<Modelfile> modelfile = ParseModelfile(R"(# a comment
from ./stories260K.gguf
  PARAMETER temperature 0.7
Parameter stop "<|eot_id|>"
PARAMETER stop </s>

SYSTEM You are a #1 "helpful" bot.   
TEMPLATE """{{ .System }}
{{ .Prompt }}"""
LICENSE "say \"MIT\" \\ ok"
)");
  ASSERT_TRUE(modelfile.ok()) << modelfile.status();
  EXPECT_EQ(modelfile->from, "./stories260K.gguf");
  EXPECT_EQ(modelfile->parameters,
            (ModelParameters{{"stop", {"<|eot_id|>", "</s>"}}, {"temperature", {"0.7"}}}));
  EXPECT_EQ(modelfile->system, "You are a #1 \"helpful\" bot.");
  EXPECT_EQ(modelfile->template_text, "{{ .System }}\n{{ .Prompt }}");
  EXPECT_EQ(modelfile->license, "say \"MIT\" \\ ok");
}

TEST(ModelfileTest, LaterTextInstructionsReplaceEarlierOnes) {
  Modelfile modelfile = ParseModelfile("FROM x\nSYSTEM one\nSYSTEM two\nTEMPLATE \"\"").value();
  EXPECT_EQ(modelfile.system, "two");
  EXPECT_EQ(modelfile.template_text, "");
  EXPECT_EQ(modelfile.license, std::nullopt);
}

// `count` lines "PARAMETER stop s<i>".
std::string StopLines(int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += "PARAMETER stop s" + std::to_string(i) + "\n";
  return lines;
}

struct BadCase {
  std::string text;
  const char* message;
};

TEST(ModelfileTest, ErrorsNameTheLineAndTheProblem) {
  const BadCase cases[] = {
      {"PARAMETER num_ctx 8", "the Modelfile has no FROM line"},
      {"FROM a\nFROM b", "line 2: a second FROM (the first is on line 1)"},
      {"FROM a\n\nPARAMETER temprature 1", "line 3: unknown PARAMETER 'temprature'; did you mean"},
      {"FROM a\nPARAMETER top_k many", "line 2: PARAMETER top_k: 'many' is not a whole number"},
      {"FROM a\nPARAMETER seed 1\nPARAMETER seed 2",
       "line 3: PARAMETER seed is already set on line 2; only stop may be repeated"},
      {"FROM a\nPARAMETER\n", "line 2: PARAMETER needs a name and a value"},
      {"FROM a\nPARAMETER num_ctx", "line 2: PARAMETER num_ctx needs a value"},
      {"FROM a\nTEMPLATE \"\"\"{{ .Prompt }}\n\n",
       "line 2: the triple-quoted TEMPLATE that starts"},
      {"FROM a\nSYSTEM \"hello",
       "line 2: the quoted SYSTEM value that starts here is never closed"},
      {"FROM a\nSYSTEM \"hi\" there", "line 2: unexpected text 'there' after the closing quote"},
      {"FROM a\nADAPTER ./lora.gguf", "line 2: ADAPTER is not supported by hearth"},
      {"FROM a\nMESSAGE user hi", "line 2: MESSAGE is not supported"},
      {"FROM a\nRUN rm -rf /", "line 2: unknown instruction 'run'; a Modelfile knows FROM"},
      {"FROM\n", "line 1: FROM needs a GGUF file or a model name"},
      {std::string("FROM a\nSYSTEM a\0b", 16), "line 2: not UTF-8 text"},
      {"FROM a\nSYSTEM \xff\xfe", "line 2: not UTF-8 text"},
      {"FROM a\n" + std::string(kMaxModelfileBytes, '#'), "at most 1 MiB"},
      // Found by tests/fuzz/modelfile_fuzz.cc: a limit no single line breaks
      // was reported without saying it was the Modelfile's.
      {"FROM a\n" + StopLines(33), "the Modelfile as a whole: PARAMETER stop is given 33 times"},
  };
  for (const BadCase& bad : cases) {
    StatusOr<Modelfile> modelfile = ParseModelfile(bad.text);
    EXPECT_EQ(modelfile.status().code(), StatusCode::kInvalidArgument) << bad.message;
    EXPECT_THAT(modelfile.status().message(), HasSubstr(bad.message));
  }
}

TEST(ModelfileTest, FormatRoundTripsAwkwardValues) {
  Modelfile modelfile{.from = "/models/x y.gguf",
                      .template_text = "{{ .Prompt }}\nends with a quote\"",
                      .system = "  leading and trailing spaces  ",
                      .license = "line one\nline two",
                      .parameters = {{"stop", {"\"quoted\"", "back\\slash", "<|im_end|>"}},
                                     {"temperature", {"0.2"}}}};
  const std::string text = FormatModelfile(modelfile);
  StatusOr<Modelfile> back = ParseModelfile(text);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << text;
  EXPECT_EQ(*back, modelfile) << text;
  EXPECT_THAT(text, HasSubstr("LICENSE \"\"\"line one\nline two\"\"\"\n"));
  EXPECT_THAT(text, HasSubstr("PARAMETER temperature 0.2\n"));
}

class ModelfileFromTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hearth-modelfile-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
    std::ofstream(dir_ / "sub" / "model.gguf") << "GGUF";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ModelfileFromTest, ResolvesFilesRelativeToTheModelfileAndElseModelNames) {
  CreateSpec spec;
  ASSERT_TRUE(ResolveModelfileFrom("sub/model.gguf", dir_, &spec).ok());
  EXPECT_EQ(spec.from_file, dir_ / "sub" / "model.gguf");
  CreateSpec named;
  ASSERT_TRUE(ResolveModelfileFrom("llama3.2:1b", dir_, &named).ok());
  ASSERT_TRUE(named.from_model.has_value());
  EXPECT_EQ(named.from_model->FullName(), "registry.ollama.ai/library/llama3.2:1b");
  EXPECT_FALSE(named.from_file.has_value());
}

TEST_F(ModelfileFromTest, RefusesMissingFilesDirectoriesAndBadNames) {
  CreateSpec spec;
  Status missing = ResolveModelfileFrom("./absent.gguf", dir_, &spec);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("no such file"));
  EXPECT_THAT(ResolveModelfileFrom("sub", dir_, &spec).message(), HasSubstr("is a directory"));
  Status bad = ResolveModelfileFrom("no good!", dir_, &spec);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("neither an existing file nor a model name"));
  EXPECT_FALSE(spec.from_file || spec.from_model);
}

TEST_F(ModelfileFromTest, ReadModelfileNamesTheFile) {
  const fs::path path = dir_ / "Modelfile";
  std::ofstream(path) << "FROM sub/model.gguf\nSYSTEM hi\nPARAMETER num_ctx 0\n";
  StatusOr<Modelfile> modelfile = ReadModelfile(path);
  EXPECT_THAT(modelfile.status().message(),
              StartsWith(path.string() + ": line 3: PARAMETER num_ctx"));
  std::ofstream(path) << "FROM sub/model.gguf\nSYSTEM hi\n";
  StatusOr<CreateSpec> spec = ModelfileToCreateSpec(ReadModelfile(path).value(), dir_);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->from_file, dir_ / "sub" / "model.gguf");
  EXPECT_EQ(spec->system, "hi");
  EXPECT_EQ(ReadModelfile(dir_ / "none").status().code(), StatusCode::kNotFound);
  EXPECT_THAT(ReadModelfile(dir_).status().message(), HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace hearth
